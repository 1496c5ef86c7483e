using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Tally.Api.Tests.Support;

/// <summary>Tally with one extra route, <c>/test/boom</c>, that throws an exception carrying <see cref="SecretText"/>.</summary>
public sealed class ThrowingTallyFactory : TallyFactory
{
    public const string SecretText = "secret-exception-text-4242";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<IStartupFilter>(new ThrowingRoute()));
    }

    private sealed class ThrowingRoute : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((http, next) => http.Request.Path == "/test/boom"
                ? throw new InvalidOperationException(SecretText)
                : next(http));
        };
    }
}
