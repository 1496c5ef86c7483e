// The feature namespaces Program.cs (the table of contents) names, here so that it stays within 40 lines.
global using Tally.Api.Features.Customers;
global using Tally.Api.Features.Dashboard;
global using Tally.Api.Features.Demo;
global using Tally.Api.Features.Health;
global using Tally.Api.Features.Invoices;
global using Tally.Api.Features.Mirror;
global using Tally.Api.Features.Revenue;
global using Tally.Api.Features.Subscriptions;
global using Tally.Api.Features.Sync;
global using Tally.Api.Features.Usage;
global using Tally.Api.Features.Users;
global using Tally.Api.Features.Webhooks;
