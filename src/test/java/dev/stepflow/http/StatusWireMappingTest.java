package dev.stepflow.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.api.model.InstanceStatus;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.WireNames;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Walks the wire enum generated from openapi/workflows.yaml and the domain {@link Status} in both
 * directions. A contract change that adds, drops or renames a status breaks this test.
 */
class StatusWireMappingTest {

  @ParameterizedTest
  @EnumSource(InstanceStatus.class)
  void everyWireStatusMapsToADomainStatusAndBack(InstanceStatus wire) {
    Status domain = WireMapper.status(wire);

    assertThat(WireMapper.status(domain)).isEqualTo(wire);
  }

  @ParameterizedTest
  @EnumSource(Status.class)
  void everyDomainStatusMapsToAWireStatusAndBack(Status domain) {
    InstanceStatus wire = WireMapper.status(domain);

    assertThat(WireMapper.status(wire)).isEqualTo(domain);
  }

  @ParameterizedTest
  @EnumSource(Status.class)
  void wireNameOfEveryDomainStatusIsTheContractsName(Status domain) {
    assertThat(WireNames.status(domain)).isEqualTo(WireMapper.status(domain).toString());
  }

  @ParameterizedTest
  @EnumSource(InstanceStatus.class)
  void everyContractNameParsesToTheMappedDomainStatus(InstanceStatus wire) {
    assertThat(WireNames.parseStatus(wire.toString())).contains(WireMapper.status(wire));
  }
}
