using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tally.Api.Infrastructure.Data.Migrations.Postgres
{
    /// <summary>
    /// Drops the triggers (and their functions) Revenue used to create at start on Mirror's tables (ADR 10 amended:
    /// the mirror writer now tells Revenue of its changes through <c>IMirrorChangeListener</c>, and each table keeps one owner).
    /// </summary>
    public partial class RevenueProjectionTriggersDropped : Migration
    {
        private static readonly string[] Triggers =
        [
            "subscription_history", "subscription_discounts", "prices",
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var table in Triggers)
            {
                migrationBuilder.Sql($"drop trigger if exists revenue_projection_{table} on {table};");
                migrationBuilder.Sql($"drop function if exists revenue_projection_{table}();");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The triggers are not re-created: the revision that used them created them itself at start.
        }
    }
}
