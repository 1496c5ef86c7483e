using Tally.Api.Infrastructure.Cli;

namespace Tally.Api.Features.Sync;

/// <summary>The <c>stripe sync</c> verb: runs the start-up steps it needs (migrations, the embedded emulator), not the server.</summary>
internal static class SyncVerbs
{
    public static readonly CliVerb StripeSync = new(
        "stripe sync", "stripe sync", "backfill the mirror from Stripe (products, prices, customers, subscriptions, invoices)",
        [], [], TalksToStripe: true, async (app, _) =>
        {
            await using var startup = await StartupWork.RunAsync(app);
            await SyncAndPrintAsync(app.Services);
            return 0;
        });

    /// <summary>Runs a sync and prints what it saw and wrote, one line per kind of object.</summary>
    public static async Task SyncAndPrintAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<StripeSync>().RunAsync(CancellationToken.None);
        Console.WriteLine("kind           seen  created  changed");
        foreach (var (kind, counts) in new[]
        {
            ("products", result.Products), ("prices", result.Prices), ("customers", result.Customers),
            ("subscriptions", result.Subscriptions), ("invoices", result.Invoices),
        })
        {
            Console.WriteLine($"{kind,-13} {counts.Seen,5} {counts.Created,8} {counts.Changed,8}");
        }
    }
}
