using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tally.Api.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RevenueProjection : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "revenue_customer_activity",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    customer_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    cohort = table.Column<int>(type: "INTEGER", nullable: false),
                    valid_from = table.Column<long>(type: "INTEGER", nullable: false),
                    valid_to = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_revenue_customer_activity", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "revenue_customer_mrr",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    customer_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    cohort = table.Column<int>(type: "INTEGER", nullable: false),
                    valid_from = table.Column<long>(type: "INTEGER", nullable: false),
                    valid_to = table.Column<long>(type: "INTEGER", nullable: true),
                    mrr = table.Column<decimal>(type: "TEXT", nullable: false),
                    active = table.Column<bool>(type: "INTEGER", nullable: false),
                    active_subscriptions = table.Column<int>(type: "INTEGER", nullable: false),
                    scheduled_to_cancel = table.Column<decimal>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_revenue_customer_mrr", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "revenue_customer_signups",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    customer_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    signup_at = table.Column<long>(type: "INTEGER", nullable: false),
                    state_from = table.Column<long>(type: "INTEGER", nullable: false),
                    cohort = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_revenue_customer_signups", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "revenue_daily_deltas",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    cohort = table.Column<int>(type: "INTEGER", nullable: false),
                    day = table.Column<long>(type: "INTEGER", nullable: false),
                    mrr = table.Column<decimal>(type: "TEXT", nullable: false),
                    active_customers = table.Column<int>(type: "INTEGER", nullable: false),
                    active_subscriptions = table.Column<int>(type: "INTEGER", nullable: false),
                    scheduled_to_cancel = table.Column<decimal>(type: "TEXT", nullable: false),
                    present = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_revenue_daily_deltas", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "revenue_projection_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    subscription_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    price_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_revenue_projection_changes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "revenue_projection_state",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    policy_key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    rebuilt_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_revenue_projection_state", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "revenue_subscription_mrr",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    subscription_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    customer_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: true),
                    valid_from = table.Column<long>(type: "INTEGER", nullable: false),
                    valid_to = table.Column<long>(type: "INTEGER", nullable: true),
                    mrr = table.Column<decimal>(type: "TEXT", nullable: false),
                    eligible = table.Column<bool>(type: "INTEGER", nullable: false),
                    scheduled_to_cancel = table.Column<bool>(type: "INTEGER", nullable: false),
                    signup_candidate = table.Column<bool>(type: "INTEGER", nullable: false),
                    state_from = table.Column<long>(type: "INTEGER", nullable: false),
                    missing_prices = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_revenue_subscription_mrr", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_revenue_customer_activity_customer_id_valid_from",
                table: "revenue_customer_activity",
                columns: new[] { "customer_id", "valid_from" });

            migrationBuilder.CreateIndex(
                name: "ix_revenue_customer_activity_valid_from",
                table: "revenue_customer_activity",
                column: "valid_from");

            migrationBuilder.CreateIndex(
                name: "ix_revenue_customer_activity_valid_to",
                table: "revenue_customer_activity",
                column: "valid_to");

            migrationBuilder.CreateIndex(
                name: "ix_revenue_customer_mrr_customer_id_currency_valid_from",
                table: "revenue_customer_mrr",
                columns: new[] { "customer_id", "currency", "valid_from" });

            migrationBuilder.CreateIndex(
                name: "ix_revenue_customer_mrr_valid_from",
                table: "revenue_customer_mrr",
                column: "valid_from");

            migrationBuilder.CreateIndex(
                name: "ix_revenue_customer_mrr_valid_to",
                table: "revenue_customer_mrr",
                column: "valid_to");

            migrationBuilder.CreateIndex(
                name: "ix_revenue_customer_signups_customer_id",
                table: "revenue_customer_signups",
                column: "customer_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_revenue_customer_signups_signup_at",
                table: "revenue_customer_signups",
                column: "signup_at");

            migrationBuilder.CreateIndex(
                name: "ix_revenue_daily_deltas_day_currency_cohort",
                table: "revenue_daily_deltas",
                columns: new[] { "day", "currency", "cohort" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_revenue_subscription_mrr_customer_id",
                table: "revenue_subscription_mrr",
                column: "customer_id");

            migrationBuilder.CreateIndex(
                name: "ix_revenue_subscription_mrr_missing_prices",
                table: "revenue_subscription_mrr",
                column: "missing_prices");

            migrationBuilder.CreateIndex(
                name: "ix_revenue_subscription_mrr_subscription_id",
                table: "revenue_subscription_mrr",
                column: "subscription_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "revenue_customer_activity");

            migrationBuilder.DropTable(
                name: "revenue_customer_mrr");

            migrationBuilder.DropTable(
                name: "revenue_customer_signups");

            migrationBuilder.DropTable(
                name: "revenue_daily_deltas");

            migrationBuilder.DropTable(
                name: "revenue_projection_changes");

            migrationBuilder.DropTable(
                name: "revenue_projection_state");

            migrationBuilder.DropTable(
                name: "revenue_subscription_mrr");
        }
    }
}
