using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tally.Api.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UsageLedger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "test_clock_id",
                table: "customers",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "usage_batches",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    stripe_customer_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    meter_event_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    period_start = table.Column<long>(type: "INTEGER", nullable: false),
                    period_end = table.Column<long>(type: "INTEGER", nullable: false),
                    quantity = table.Column<decimal>(type: "TEXT", precision: 30, scale: 12, nullable: false),
                    value = table.Column<long>(type: "INTEGER", nullable: false),
                    final = table.Column<bool>(type: "INTEGER", nullable: false),
                    timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_at = table.Column<long>(type: "INTEGER", nullable: false),
                    locked_until = table.Column<long>(type: "INTEGER", nullable: true),
                    locked_by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    sent_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_usage_batches", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "usage_records",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_id = table.Column<long>(type: "INTEGER", nullable: false),
                    stripe_customer_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    stripe_subscription_item_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    meter_event_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    meter_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    quantity = table.Column<decimal>(type: "TEXT", precision: 30, scale: 12, nullable: false),
                    timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    period_start = table.Column<long>(type: "INTEGER", nullable: false),
                    period_end = table.Column<long>(type: "INTEGER", nullable: false),
                    late = table.Column<bool>(type: "INTEGER", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    idempotency_key = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    request_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    metadata = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: true),
                    note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    actor = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    batch_id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    reported_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_usage_records", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_usage_batches_status_next_attempt_at",
                table: "usage_batches",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ix_usage_batches_stripe_customer_id_meter_event_name_period_start",
                table: "usage_batches",
                columns: new[] { "stripe_customer_id", "meter_event_name", "period_start" });

            migrationBuilder.CreateIndex(
                name: "ix_usage_records_batch_id",
                table: "usage_records",
                column: "batch_id");

            migrationBuilder.CreateIndex(
                name: "ix_usage_records_status_batch_id_stripe_customer_id_meter_event_name_period_start",
                table: "usage_records",
                columns: new[] { "status", "batch_id", "stripe_customer_id", "meter_event_name", "period_start" });

            migrationBuilder.CreateIndex(
                name: "ix_usage_records_stripe_subscription_item_id_period_start",
                table: "usage_records",
                columns: new[] { "stripe_subscription_item_id", "period_start" });

            migrationBuilder.CreateIndex(
                name: "ix_usage_records_user_id_id",
                table: "usage_records",
                columns: new[] { "user_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_usage_records_user_id_idempotency_key",
                table: "usage_records",
                columns: new[] { "user_id", "idempotency_key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "usage_batches");

            migrationBuilder.DropTable(
                name: "usage_records");

            migrationBuilder.DropColumn(
                name: "test_clock_id",
                table: "customers");
        }
    }
}
