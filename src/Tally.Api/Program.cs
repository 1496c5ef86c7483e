using Tally.Api.Features.Customers;
using Tally.Api.Features.Demo;
using Tally.Api.Features.Health;
using Tally.Api.Features.Invoices;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Subscriptions;
using Tally.Api.Features.Sync;
using Tally.Api.Features.Usage;
using Tally.Api.Features.Users;
using Tally.Api.Features.Webhooks;
using Tally.Api.Infrastructure;
using Tally.Api.Infrastructure.Cli;

return await TallyCli.RunAsync(args, [UserVerbs.SetRole, SyncVerbs.StripeSync, DemoVerbs.SeedDemo], (builder, command) =>
{
    var settings = builder.AddTallyPlatform(command);
    builder.AddUsers();
    builder.AddMirror(settings);
    builder.AddCustomers();
    builder.AddSubscriptions();
    builder.AddInvoices();
    builder.AddUsage();
    builder.AddWebhooks();
    builder.AddStripeSync();
    builder.AddDemo(seedOnStart: command.Has("demo"));
    var app = builder.Build();
    app.UseTallyPlatform();
    app.MapHealth();
    app.MapUsers();
    app.MapCustomers();
    app.MapSubscriptions();
    app.MapInvoices();
    app.MapUsage();
    app.MapWebhooks();
    app.MapStripeSync();
    return app;
});
