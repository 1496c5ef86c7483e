using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Revenue;

/// <summary>
/// The triggers that queue a subscription (or a price) in <c>revenue_projection_changes</c> whenever the mirror
/// writes its history, its discounts or its prices: the projection learns of every change, in whatever order
/// transactions commit, without the mirror knowing about Revenue. A queued row is deleted only once projected.
/// They are checked at start and re-created (with a rebuild) if missing, e.g. after a SQLite table rebuild.
/// </summary>
internal static class ProjectionTriggers
{
    private static readonly (string Table, string Column, string Target)[] Watched =
    [
        ("subscription_history", "stripe_subscription_id", "subscription_id"),
        ("subscription_discounts", "stripe_subscription_id", "subscription_id"),
        ("prices", "stripe_price_id", "price_id"),
    ];

    private const string PriceTerms = "currency, unit_amount, unit_amount_decimal, recurring_interval, recurring_interval_count, usage_type";

    public static async Task<bool> PresentAsync(TallyDbContext db, CancellationToken ct)
    {
        var sql = db is PostgresTallyDbContext
            ? "select count(*)::int as \"Value\" from pg_trigger where tgname like 'revenue_projection_%' and not tgisinternal"
            : "select count(*) as \"Value\" from sqlite_master where type = 'trigger' and name like 'revenue_projection_%'";
        var count = await db.Database.SqlQueryRaw<int>(sql).SingleAsync(ct);
        return count == (db is PostgresTallyDbContext ? Watched.Length : Watched.Length * 3);
    }

    public static async Task CreateAsync(TallyDbContext db, CancellationToken ct)
    {
        foreach (var statement in db is PostgresTallyDbContext ? Postgres() : Sqlite())
        {
            await db.Database.ExecuteSqlRawAsync(statement, ct);
        }
    }

    private static IEnumerable<string> Postgres()
    {
        foreach (var (table, column, target) in Watched)
        {
            var name = $"revenue_projection_{table}";
            yield return $"""
                create or replace function {name}() returns trigger language plpgsql as $$
                begin
                  if tg_op = 'DELETE' then
                    insert into revenue_projection_changes ({target}) values (old.{column});
                    return old;
                  end if;
                  insert into revenue_projection_changes ({target}) values (new.{column});
                  return new;
                end $$
                """;
            yield return $"drop trigger if exists {name} on {table}";
            var events = table == "prices" ? $"insert or update of {PriceTerms} or delete" : "insert or update or delete";
            yield return $"create trigger {name} after {events} on {table} for each row execute function {name}()";
        }
    }

    /// <summary>SQLite: BEFORE triggers, since EF's RETURNING clause does not go with AFTER triggers; a failed statement undoes them too.</summary>
    private static IEnumerable<string> Sqlite()
    {
        foreach (var (table, column, target) in Watched)
        {
            var name = $"revenue_projection_{table}";
            var terms = table == "prices" ? $" of {PriceTerms}" : "";
            yield return $"create trigger if not exists {name}_insert before insert on {table} begin insert into revenue_projection_changes ({target}) values (new.{column}); end";
            yield return $"create trigger if not exists {name}_update before update{terms} on {table} begin insert into revenue_projection_changes ({target}) values (new.{column}); end";
            yield return $"create trigger if not exists {name}_delete before delete on {table} begin insert into revenue_projection_changes ({target}) values (old.{column}); end";
        }
    }
}
