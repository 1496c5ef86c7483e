using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Infrastructure.Stripe;

/// <summary>
/// Emulator mode: creates (once, remembered in <c>stripe_settings</c>) the meter, product and metered
/// price Tally bills with, unless configured, and says what it uses. Real-Stripe mode creates nothing.
/// Both modes generate this installation's id once (<see cref="StripeMarker"/>) and load it.
/// </summary>
internal sealed class StripeBootstrap(IServiceScopeFactory scopes, StripeAccount account) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        account.InstallationId ??= await db.EnsureStripeSettingAsync(StripeSetting.InstallationId, StripeMarker.NewInstallationId, cancellationToken);
        if (!account.IsEmulator)
        {
            return;
        }

        var saved = await db.StripeSettingsAsync(cancellationToken);
        if (account.PriceMeteredId is null && !saved.ContainsKey(StripeSetting.PriceMeteredId))
        {
            var gateway = scope.ServiceProvider.GetRequiredService<StripeGateway>();
            var (meterId, eventName, productId, priceId) = await gateway.CreateMeteredCatalogAsync(account.ProductId, cancellationToken);
            var created = new Dictionary<string, string>
            {
                [StripeSetting.MeterId] = meterId,
                [StripeSetting.MeterEventName] = eventName,
                [StripeSetting.ProductId] = productId,
                [StripeSetting.PriceMeteredId] = priceId,
            };
            await db.RememberStripeSettingsAsync(created.Where(kv => !saved.ContainsKey(kv.Key)), cancellationToken);
            foreach (var (key, value) in created)
            {
                saved.TryAdd(key, value);
            }
        }

        account.PriceMeteredId ??= saved.GetValueOrDefault(StripeSetting.PriceMeteredId);
        account.ProductId ??= saved.GetValueOrDefault(StripeSetting.ProductId);
        account.MeterId ??= saved.GetValueOrDefault(StripeSetting.MeterId);
        account.MeterEventName ??= saved.GetValueOrDefault(StripeSetting.MeterEventName);
        Console.WriteLine($"""
            Stripe: embedded emulator at {account.ApiBase} (no STRIPE_SECRET_KEY set)
              state:    {account.EmulatorStatePath}
              webhooks: {account.WebhookUrl ?? "not delivered (no fixed listening port)"}
              product {account.ProductId}, meter {account.MeterId} ({account.MeterEventName}), metered price {account.PriceMeteredId}
            """);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
