using System.Net;

namespace Tally.Api.Tests.Support;

/// <summary>
/// Every endpoint Tally serves, with the least role DESIGN.md's table admits to it: the RBAC matrix
/// calls each as every kind of caller, and the OpenAPI test checks each is described.
/// </summary>
public static class ApiEndpoints
{
    /// <summary>method, path, JSON body (or null), minimum role ("none" = public), status for an admitted caller.</summary>
    public static readonly (string Method, string Path, string? Body, string MinRole, HttpStatusCode Allowed)[] All =
    [
        ("GET", "/healthz", null, "none", HttpStatusCode.OK),
        ("GET", "/readyz", null, "none", HttpStatusCode.OK),
        ("GET", "/openapi/v1.json", null, "none", HttpStatusCode.OK),
        ("GET", "/api/me", null, "viewer", HttpStatusCode.OK),
        ("GET", "/api/admin/users", null, "admin", HttpStatusCode.OK),
        ("PUT", "/api/admin/users/999999/role", """{"role":"editor"}""", "admin", HttpStatusCode.NotFound),
        ("GET", "/api/admin/users/999999", null, "admin", HttpStatusCode.NotFound),
        ("GET", "/api/admin/audit", null, "admin", HttpStatusCode.OK),
        ("POST", "/api/admin/users/999999/stripe_customer", """{"stripe_customer_id":"cus_x"}""", "admin", HttpStatusCode.NotFound),
        // This fixture has no Stripe (the API base is a closed port): creating a customer is a deterministic 502.
        ("POST", "/api/stripe/create_customer", null, "editor", HttpStatusCode.BadGateway),
        ("POST", "/api/stripe/attach_payment_method", "{}", "editor", HttpStatusCode.BadRequest),
        ("GET", "/api/stripe/customer", null, "viewer", HttpStatusCode.NotFound),
        ("POST", "/api/billing/subscriptions", "{}", "editor", HttpStatusCode.NotFound),
        ("GET", "/api/billing/subscriptions", null, "viewer", HttpStatusCode.OK),
        ("GET", "/api/admin/subscriptions", null, "admin", HttpStatusCode.OK),
        ("GET", "/api/billing/invoices", null, "viewer", HttpStatusCode.OK),
        // Not an invoice id: 404 for every admitted caller without asking Stripe (there is none here).
        ("GET", "/api/billing/invoice/999999/pdf", null, "viewer", HttpStatusCode.NotFound),
        ("POST", "/api/billing/report_usage", "{}", "editor", HttpStatusCode.BadRequest),
        ("POST", "/api/billing/report_usage/batch", "{}", "editor", HttpStatusCode.BadRequest),
        ("GET", "/api/billing/usage_records", null, "viewer", HttpStatusCode.OK),
        ("GET", "/api/billing/usage_summary", null, "viewer", HttpStatusCode.OK),
        ("POST", "/api/admin/usage/corrections", "{}", "admin", HttpStatusCode.BadRequest),
        ("GET", "/api/admin/usage/reconciliation", null, "admin", HttpStatusCode.OK),
        ("GET", "/api/admin/usage/health", null, "admin", HttpStatusCode.OK),
        ("POST", "/api/admin/usage/failed/retry", null, "admin", HttpStatusCode.OK),
        ("GET", "/api/admin/usage/activity", null, "admin", HttpStatusCode.OK),
        ("GET", "/api/admin/usage/top_customers", null, "admin", HttpStatusCode.OK),
        ("GET", "/api/admin/usage/records", null, "admin", HttpStatusCode.OK),
        ("GET", "/api/admin/usage/corrections", null, "admin", HttpStatusCode.OK),
        ("GET", "/api/admin/system", null, "admin", HttpStatusCode.OK),
        ("GET", "/api/admin/webhooks", null, "admin", HttpStatusCode.OK),
        ("POST", "/api/admin/webhooks/999999/replay", null, "admin", HttpStatusCode.NotFound),
        ("POST", "/api/admin/webhooks/replay", null, "admin", HttpStatusCode.OK),
        // This fixture's Stripe is a closed port: an admitted caller gets the sync's 502, not 401/403.
        ("POST", "/api/admin/stripe/sync", null, "admin", HttpStatusCode.BadGateway),
        ("GET", "/api/admin/revenue", null, "admin", HttpStatusCode.OK),
        ("GET", "/api/admin/revenue/timeseries", null, "admin", HttpStatusCode.OK),
        ("GET", "/api/admin/revenue/cohorts", null, "admin", HttpStatusCode.OK),
        ("GET", "/api/admin/revenue/export.csv", null, "admin", HttpStatusCode.OK),
        ("GET", "/api/admin/fx_rates", null, "admin", HttpStatusCode.OK),
        ("PUT", "/api/admin/fx_rates", """{"date":"2025-07-01","rates":{"eur":1.1}}""", "admin", HttpStatusCode.OK),
    ];

    /// <summary>The lists: each takes <c>?limit=</c> and <c>?cursor=</c> (a cursor from another list is refused).</summary>
    public static readonly string[] Paged =
    [
        "/api/admin/users", "/api/billing/subscriptions", "/api/admin/subscriptions", "/api/billing/invoices",
        "/api/billing/usage_records", "/api/admin/webhooks", "/api/admin/audit", "/api/admin/usage/records", "/api/admin/usage/corrections",
    ];

    /// <summary>The GET endpoints that take <c>?user_id=</c>: one that names no user is 404 <c>user_not_found</c> on each.</summary>
    public static readonly string[] UserFiltered =
    [
        "/api/admin/subscriptions", "/api/billing/invoices", "/api/billing/usage_records", "/api/billing/usage_summary",
    ];
}
