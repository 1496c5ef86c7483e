using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tally.Api.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RevenueMrrEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "moved_churn",
                table: "revenue_daily_deltas",
                type: "TEXT",
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<decimal>(
                name: "moved_contraction",
                table: "revenue_daily_deltas",
                type: "TEXT",
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<decimal>(
                name: "moved_expansion",
                table: "revenue_daily_deltas",
                type: "TEXT",
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<decimal>(
                name: "moved_from_zero",
                table: "revenue_daily_deltas",
                type: "TEXT",
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.CreateTable(
                name: "revenue_mrr_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    customer_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    cohort = table.Column<int>(type: "INTEGER", nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false),
                    before = table.Column<decimal>(type: "TEXT", nullable: false),
                    after = table.Column<decimal>(type: "TEXT", nullable: false),
                    previous_at = table.Column<long>(type: "INTEGER", nullable: true),
                    earlier_at = table.Column<long>(type: "INTEGER", nullable: true),
                    previous_before = table.Column<decimal>(type: "TEXT", nullable: false),
                    pair_from_zero = table.Column<decimal>(type: "TEXT", nullable: false),
                    pair_expansion = table.Column<decimal>(type: "TEXT", nullable: false),
                    pair_contraction = table.Column<decimal>(type: "TEXT", nullable: false),
                    pair_churn = table.Column<decimal>(type: "TEXT", nullable: false),
                    next_at = table.Column<long>(type: "INTEGER", nullable: true),
                    repeat = table.Column<bool>(type: "INTEGER", nullable: false),
                    from_zero = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_revenue_mrr_events", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_revenue_mrr_events_at",
                table: "revenue_mrr_events",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_revenue_mrr_events_customer_id_currency_at",
                table: "revenue_mrr_events",
                columns: new[] { "customer_id", "currency", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_revenue_mrr_events_from_zero_at",
                table: "revenue_mrr_events",
                columns: new[] { "from_zero", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_revenue_mrr_events_repeat_at",
                table: "revenue_mrr_events",
                columns: new[] { "repeat", "at" });

            // A projection built before this migration has no change events: mark it incomplete so the next start rebuilds it (answers come from the history meanwhile).
            migrationBuilder.Sql("update revenue_projection_state set policy_key = ''");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "revenue_mrr_events");

            migrationBuilder.DropColumn(
                name: "moved_churn",
                table: "revenue_daily_deltas");

            migrationBuilder.DropColumn(
                name: "moved_contraction",
                table: "revenue_daily_deltas");

            migrationBuilder.DropColumn(
                name: "moved_expansion",
                table: "revenue_daily_deltas");

            migrationBuilder.DropColumn(
                name: "moved_from_zero",
                table: "revenue_daily_deltas");
        }
    }
}
