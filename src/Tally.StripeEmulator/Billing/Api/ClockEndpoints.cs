using Tally.StripeEmulator.Billing.Domain;
using Tally.StripeEmulator.Core;
using static Tally.StripeEmulator.Billing.Api.BillingEndpoints;

namespace Tally.StripeEmulator.Billing.Api;

internal static class ClockEndpoints
{
    public static void Map(RouteTable routes)
    {
        routes.Post("/v1/test_helpers/test_clocks", Handler((req, e) =>
            req.Ok(e.Json.Clock(e.CreateClock(req.Params.Long("frozen_time"), req.Params.Text("name")))), catchUp: false));
        routes.Get("/v1/test_helpers/test_clocks", Handler((req, e) =>
            Lists.Page(req, e.ListClocks().Select(e.Json.Clock).ToList(), "/v1/test_helpers/test_clocks"), catchUp: false));
        routes.Get("/v1/test_helpers/test_clocks/{id}", Handler((req, e) => req.Ok(e.Json.Clock(e.GetClock(req.Route("id")))), catchUp: false));
        routes.Delete("/v1/test_helpers/test_clocks/{id}", Handler((req, e) =>
        {
            var clock = e.DeleteClock(req.Route("id"));
            return ApiResult.Json(DeletedStub(clock.Id, "test_helpers.test_clock"));
        }, catchUp: false));
        routes.Post("/v1/test_helpers/test_clocks/{id}/advance", Handler((req, e) =>
            req.Ok(e.AdvanceClock(req.Route("id"), req.Params.Long("frozen_time"))), catchUp: false));
    }
}
