package dev.stepflow.http;

import static dev.stepflow.http.Envelopes.NONE;

import dev.stepflow.api.AccountsApi;
import dev.stepflow.api.model.Account;
import dev.stepflow.api.model.AccountListResponse;
import dev.stepflow.api.model.Membership;
import dev.stepflow.api.model.MembershipAccount;
import dev.stepflow.api.model.MembershipListResponse;
import dev.stepflow.domain.Page;
import dev.stepflow.engine.WorkflowService;
import java.util.List;

/**
 * GET /accounts and GET /memberships: the accounts that exist (an account exists once a workflow
 * was created in it), until API tokens decide who may use which.
 */
public final class AccountsResource implements AccountsApi {
  private final WorkflowService workflows;

  public AccountsResource(WorkflowService workflows) {
    this.workflows = workflows;
  }

  @Override
  public AccountListResponse listAccounts(Integer page, Integer perPage) {
    int number = Paging.page(page);
    int size = Paging.perPage(perPage, 20);
    Page<dev.stepflow.domain.Account> found = workflows.accounts(number, size);
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
    Page<dev.stepflow.domain.Account> found = workflows.accounts(number, size);
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
}
