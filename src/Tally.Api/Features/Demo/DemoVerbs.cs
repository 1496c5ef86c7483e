using Tally.Api.Features.Sync;
using Tally.Api.Infrastructure.Cli;

namespace Tally.Api.Features.Demo;

internal static class DemoVerbs
{
    public static readonly CliVerb SeedDemo = new(
        "seed-demo", "seed-demo", "fill the Stripe test account with demo data, then exit", [], [], TalksToStripe: true, async (app, _) =>
        {
            await using var lifecycle = await StartupWork.RunAsync(app);
            var exitCode = 0;
            try
            {
                var summary = await DemoRegistration.SeedOnceAsync(app.Services, new DemoPlan(), new DemoProgress(Console.WriteLine));
                Console.WriteLine(summary is null ? "This database already holds the demo data." : $"Demo: {summary}.");
            }
            catch (DemoSeedingException ex)
            {
                Console.Error.WriteLine(DemoRegistration.FailureText(ex));
                exitCode = 1;
            }

            // Nothing receives webhooks while this verb runs: fill the mirror from Stripe's lists instead
            // (after a failure too: what was created stays, and shows).
            await SyncVerbs.SyncAndPrintAsync(app.Services);
            return exitCode;
        });
}
