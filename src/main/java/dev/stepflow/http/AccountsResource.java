package dev.stepflow.http;

import static dev.stepflow.http.Envelopes.NONE;

import dev.stepflow.api.AccountsApi;
import dev.stepflow.api.model.Account;
import dev.stepflow.api.model.AccountListResponse;
import dev.stepflow.api.model.Membership;
import dev.stepflow.api.model.MembershipAccount;
import dev.stepflow.api.model.MembershipListResponse;
import dev.stepflow.auth.ApiToken;
import dev.stepflow.domain.Page;
import dev.stepflow.engine.service.WorkflowService;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;

/**
 * GET /accounts and GET /memberships: the accounts the caller's token may use. A token for every
 * account sees the accounts that exist (an account exists once a workflow was created in it); a
 * token for named accounts sees exactly those, existing yet or not, so wrangler can pick its only
 * account on a fresh server.
 */
public final class AccountsResource implements AccountsApi {
  private final WorkflowService workflows;
  @Context private SecurityContext security;

  public AccountsResource(WorkflowService workflows) {
    this.workflows = workflows;
  }

  @Override
  public AccountListResponse listAccounts(Integer page, Integer perPage) {
    int number = Paging.page(page);
    int size = Paging.perPage(perPage, 20);
    Page<dev.stepflow.domain.Account> found = visible(number, size);
    return new AccountListResponse(
        NONE,
        NONE,
        found.items().stream()
            .map(
                a ->
                    new Account(
                        a.id(), a.id(), Account.TypeEnum.STANDARD, WireMapper.time(a.createdOn())))
            .toList(),
        true,
        Paging.pageInfo(found, number, size));
  }

  /** One accepted membership per account, so wrangler can pick the account on its own. */
  @Override
  public MembershipListResponse listMemberships(Integer page, Integer perPage) {
    int number = Paging.page(page);
    int size = Paging.perPage(perPage, 20);
    Page<dev.stepflow.domain.Account> found = visible(number, size);
    return new MembershipListResponse(
        NONE,
        NONE,
        found.items().stream()
            .map(
                a ->
                    new Membership(
                        a.id(),
                        new MembershipAccount(a.id(), a.id()),
                        Membership.StatusEnum.ACCEPTED,
                        List.of()))
            .toList(),
        true,
        Paging.pageInfo(found, number, size));
  }

  private Page<dev.stepflow.domain.Account> visible(int number, int size) {
    ApiToken token = Caller.of(security).token();
    if (token.allAccounts()) {
      return workflows.accounts(number, size);
    }
    List<String> ids = token.accounts().stream().sorted().toList();
    long from = Math.min((long) (number - 1) * size, ids.size());
    List<dev.stepflow.domain.Account> items =
        ids.subList((int) from, (int) Math.min(from + size, ids.size())).stream()
            .map(
                id ->
                    workflows
                        .account(id)
                        .orElseGet(() -> new dev.stepflow.domain.Account(id, token.createdOn())))
            .toList();
    return new Page<>(items, ids.size(), null);
  }
}
