using System.Globalization;
using Npgsql;

namespace Tally.Bench.Webhooks;

/// <summary>
/// After a processing round: the mirror must hold exactly what the emulator holds, or the measured
/// rate means nothing. Every customer, subscription (with its item), invoice (in its final state,
/// paid) and a history row per subscription; the subscriptions set to cancel show it.
/// </summary>
internal static class MirrorCheck
{
    public static async Task<List<string>> ProblemsAsync(string databaseUrl, int customers)
    {
        var uri = new Uri(databaseUrl);
        var user = uri.UserInfo.Split(':');
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host, Port = uri.Port, Database = uri.AbsolutePath.TrimStart('/'),
            Username = Uri.UnescapeDataString(user[0]), Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        var expected = new (string What, string Sql, long Count)[]
        {
            ("customers", "SELECT count(*) FROM customers WHERE NOT deleted", customers),
            ("active subscriptions with an item id", "SELECT count(*) FROM subscriptions WHERE status = 'active' AND stripe_subscription_item_id IS NOT NULL", customers),
            ("subscriptions set to cancel at period end", "SELECT count(*) FROM subscriptions WHERE cancel_at_period_end", (customers + 3) / 4),
            ("subscription items", "SELECT count(*) FROM subscription_items", customers),
            ("paid invoices", "SELECT count(*) FROM invoices WHERE status = 'paid' AND amount_paid = amount_due", customers),
            ("subscriptions with history", "SELECT count(DISTINCT stripe_subscription_id) FROM subscription_history", customers),
            ("open history intervals", "SELECT count(*) FROM subscription_history WHERE valid_to IS NULL", customers),
        };
        var problems = new List<string>();
        foreach (var (what, sql, count) in expected)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            var actual = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            if (actual != count)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{what}: {actual}, expected {count}"));
            }
        }

        return problems;
    }
}
