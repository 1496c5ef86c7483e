using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Tally.Api.Features.Invoices;

/// <summary>Keyset cursor for "newest first" by Stripe's <c>created</c>, ties broken by row id.</summary>
internal readonly record struct InvoiceCursor(DateTimeOffset Created, long Id)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
        string.Create(CultureInfo.InvariantCulture, $"i:{Created.UtcTicks}:{Id}")));

    public static bool TryDecode(string text, out InvoiceCursor cursor)
    {
        cursor = default;
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split(':');
            if (parts.Length == 3 && parts[0] == "i"
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                cursor = new InvoiceCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
                return true;
            }
        }
        catch (FormatException)
        {
            return false;
        }

        return false;
    }
}
