using System.Globalization;
using System.Text;

namespace Tally.StripeEmulator.Billing.Invoicing;

internal sealed record PdfLine(string Description, string Quantity, string Amount);

internal sealed record PdfInvoice(
    string Number, string CustomerId, string Currency, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd,
    IReadOnlyList<PdfLine> Lines, string Subtotal, string Discount, string Total, string Status);

/// <summary>
/// A minimal hand-written PDF 1.4: one A4 page, the standard Helvetica font (no embedding), one
/// text content stream, and a byte-exact xref table. Text is limited to printable ASCII, with
/// anything else replaced by '?', so no font encoding tables are needed.
/// </summary>
internal static class InvoicePdf
{
    /// <summary>Stripe's zero-decimal currencies: amounts are whole units, not cents.</summary>
    private static readonly HashSet<string> ZeroDecimal =
        ["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"];

    public static bool IsZeroDecimal(string currency) => ZeroDecimal.Contains(currency.ToLowerInvariant());

    public static string FormatMoney(long minorUnits, string currency) => IsZeroDecimal(currency)
        ? string.Create(CultureInfo.InvariantCulture, $"{currency.ToUpperInvariant()} {minorUnits}")
        : string.Create(CultureInfo.InvariantCulture, $"{currency.ToUpperInvariant()} {minorUnits / 100m:0.00}");

    public static byte[] Render(PdfInvoice invoice)
    {
        var text = new List<(int Size, float X, string Text)>
        {
            (18, 50, $"Invoice {invoice.Number}"),
            (10, 50, $"Customer: {invoice.CustomerId}"),
            (10, 50, $"Period: {invoice.PeriodStart:yyyy-MM-dd} to {invoice.PeriodEnd:yyyy-MM-dd}"),
            (10, 50, $"Status: {invoice.Status}"),
            (10, 50, ""),
            (11, 50, "Description | Qty | Amount"),
        };
        foreach (var l in invoice.Lines)
        {
            text.Add((10, 50, $"{l.Description} | {l.Quantity} | {l.Amount}"));
        }

        text.Add((10, 50, ""));
        text.Add((11, 50, $"Subtotal: {invoice.Subtotal}"));
        if (invoice.Discount.Length > 0)
        {
            text.Add((11, 50, $"Discount: -{invoice.Discount}"));
        }

        text.Add((12, 50, $"Total: {invoice.Total}"));
        text.Add((12, 50, $"Amount due: {invoice.Total}"));

        var content = new StringBuilder();
        var y = 790f;
        foreach (var (size, x, line) in text)
        {
            if (y < 40)
            {
                break;
            }

            content.Append(CultureInfo.InvariantCulture, $"BT /F1 {size} Tf {x:0} {y:0} Td ({Escape(line)}) Tj ET\n");
            y -= size + 8;
        }
        var stream = Encoding.ASCII.GetBytes(content.ToString());

        var objects = new List<byte[]>
        {
            Ascii("<< /Type /Catalog /Pages 2 0 R >>"),
            Ascii("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
            Ascii("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"),
            Ascii("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"),
            Concat(Ascii($"<< /Length {stream.Length} >>\nstream\n"), stream, Ascii("\nendstream")),
        };

        using var pdf = new MemoryStream();
        Write(pdf, "%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n", latin1: true);
        var offsets = new long[objects.Count];
        for (var i = 0; i < objects.Count; i++)
        {
            offsets[i] = pdf.Position;
            Write(pdf, $"{i + 1} 0 obj\n");
            pdf.Write(objects[i]);
            Write(pdf, "\nendobj\n");
        }
        var xref = pdf.Position;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{o:0000000000} 00000 n \n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        Write(pdf, sb.ToString());
        return pdf.ToArray();
    }

    private static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (c is '(' or ')' or '\\')
            {
                sb.Append('\\').Append(c);
            }
            else if (c < 32 || c > 126)
            {
                sb.Append('?');
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    private static void Write(Stream s, string text, bool latin1 = false) =>
        s.Write(latin1 ? Encoding.Latin1.GetBytes(text) : Encoding.ASCII.GetBytes(text));
}
