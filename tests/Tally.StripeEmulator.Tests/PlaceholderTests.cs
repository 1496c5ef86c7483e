namespace Tally.StripeEmulator.Tests;

public class PlaceholderTests
{
    [Fact]
    public void EntryPoint_Exists() => Assert.NotNull(typeof(EmulatorProgram).GetMethod("Main"));
}
