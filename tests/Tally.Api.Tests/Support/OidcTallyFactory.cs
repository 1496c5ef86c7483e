namespace Tally.Api.Tests.Support;

/// <summary>Tally validating tokens from a <see cref="FakeIdentityProvider"/> (TALLY_JWT_AUTHORITY) instead of a shared key.</summary>
public sealed class OidcTallyFactory : TallyFactory
{
    public const string Audience = "tally-api";

    public FakeIdentityProvider? Idp { get; private set; }

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["TALLY_JWT_AUTHORITY"] = Idp!.Authority,
        ["TALLY_JWT_AUDIENCE"] = Audience,
    };

    public override async ValueTask InitializeAsync()
    {
        Idp = await FakeIdentityProvider.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Idp is not null)
        {
            await Idp.DisposeAsync();
        }
    }
}
