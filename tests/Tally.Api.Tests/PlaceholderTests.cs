namespace Tally.Api.Tests;

public class PlaceholderTests
{
    [Fact]
    public void True() => Assert.Equal(2, 1 + 1);
}
