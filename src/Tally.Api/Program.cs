using Tally.Api.Features.Customers;
using Tally.Api.Features.Demo;
using Tally.Api.Features.Health;
using Tally.Api.Features.Invoices;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Subscriptions;
using Tally.Api.Features.Sync;
using Tally.Api.Features.Users;
using Tally.Api.Features.Webhooks;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Cli;
using Tally.Api.Infrastructure.Configuration;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Errors;
using Tally.Api.Infrastructure.Http;
using Tally.Api.Infrastructure.OpenApi;
using Tally.Api.Infrastructure.Stripe;

CliCommand command;
try
{
    command = CliCommand.Parse(args);
}
catch (CliUsageException ex)
{
    Console.Error.WriteLine(ex.Message + Environment.NewLine + Environment.NewLine + CliCommand.Usage);
    return 2;
}

if (command.IsHelp)
{
    Console.WriteLine(CliCommand.Usage);
    return 0;
}

try
{
    var builder = WebApplication.CreateBuilder(HostingSetup.Options(command));
    builder.AddTallyHosting(command);
    var settings = TallySettings.AddTallySettings(builder);
    builder.AddTallyJson();
    builder.AddTallyErrors();
    builder.AddTallyDatabase(settings.Database);
    builder.AddTallyAuth(settings.Jwt);
    builder.AddTallyStripe(settings, startEmulator: command.TalksToStripe);
    builder.AddMirror(settings);
    builder.AddTallyApiDocs();
    builder.AddUsers();
    builder.AddCustomers();
    builder.AddSubscriptions();
    builder.AddInvoices();
    builder.AddDemo(seedOnStart: command.Optional("demo") is not null);
    builder.AddWebhooks();
    builder.AddStripeSync();
    builder.AddEmbeddedStartup();

    var app = builder.Build();
    app.UseTallyErrors();
    app.UseAuthentication();
    app.UseAuthorization();
    app.MapTallyApiDocs();
    app.MapHealth();
    app.MapUsers();
    app.MapCustomers();
    app.MapSubscriptions();
    app.MapInvoices();
    app.MapWebhooks();
    app.MapStripeSync();

    return await app.RunAsync(command);
}
catch (InvalidConfigurationException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 3;
}
catch (CliUsageException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
