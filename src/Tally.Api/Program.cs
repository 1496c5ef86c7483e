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
    builder.AddRevenue();
    builder.AddUsage();
    builder.AddWebhooks();
    builder.AddStripeSync();
    builder.AddDemo(seedOnStart: command.Has("demo"));
    builder.AddDashboard(settings);
    var app = builder.Build();
    app.UseTallyPlatform();
    app.MapHealth();
    app.MapUsers();
    app.MapCustomers();
    app.MapSubscriptions();
    app.MapInvoices();
    app.MapRevenue();
    app.MapUsage();
    app.MapWebhooks();
    app.MapStripeSync();
    app.MapDashboard();
    return app;
});
