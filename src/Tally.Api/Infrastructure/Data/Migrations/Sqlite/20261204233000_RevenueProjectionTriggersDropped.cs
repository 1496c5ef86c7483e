using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tally.Api.Infrastructure.Data.Migrations.Sqlite
{
    /// <summary>
    /// Drops the triggers Revenue used to create at start on Mirror's tables (ADR 10 amended: the mirror writer now
    /// tells Revenue of its changes through <c>IMirrorChangeListener</c>, and each table keeps one owner).
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
                foreach (var op in new[] { "insert", "update", "delete" })
                {
                    migrationBuilder.Sql($"drop trigger if exists revenue_projection_{table}_{op};");
                }
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The triggers are not re-created: the revision that used them created them itself at start.
        }
    }
}
