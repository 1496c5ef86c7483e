using Tally.Api.Features.Sync;
using Tally.Api.Infrastructure.Cli;

namespace Tally.Api.Features.Demo;

internal static class DemoVerbs
{
    public static readonly CliVerb SeedDemo = new(
        "seed-demo", "seed-demo", "fill the Stripe test account with demo data, then exit", [], [], TalksToStripe: true, async (app, _) =>
        {
            await using var lifecycle = await StartupWork.RunAsync(app);
            var summary = await DemoRegistration.SeedOnceAsync(app.Services, new DemoPlan(), CancellationToken.None);
            Console.WriteLine(summary is null
                ? "This database already holds the demo data."
                : $"Demo: {summary.Customers} customers, {summary.Subscriptions} subscriptions, {summary.Upgrades} upgrades, " +
                  $"{summary.Cancellations} cancellations, {summary.FailingCards} failing cards, {summary.MeterEvents} meter events (test clock {summary.TestClockId}).");

            // Nothing receives webhooks while this verb runs: fill the mirror from Stripe's lists instead.
            await SyncVerbs.SyncAndPrintAsync(app.Services);
            return 0;
        });
}
