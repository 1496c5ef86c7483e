using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tally.Api.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StripeMirror : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "customers",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    stripe_customer_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    user_id = table.Column<long>(type: "INTEGER", nullable: true),
                    email = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    name = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    default_payment_method_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: true),
                    deleted = table.Column<bool>(type: "INTEGER", nullable: false),
                    stripe_created = table.Column<long>(type: "INTEGER", nullable: false),
                    source_timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_customers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "invoices",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    stripe_invoice_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    stripe_customer_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    stripe_subscription_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    user_id = table.Column<long>(type: "INTEGER", nullable: true),
                    number = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    amount_due = table.Column<long>(type: "INTEGER", nullable: false),
                    amount_paid = table.Column<long>(type: "INTEGER", nullable: false),
                    amount_remaining = table.Column<long>(type: "INTEGER", nullable: false),
                    subtotal = table.Column<long>(type: "INTEGER", nullable: false),
                    total = table.Column<long>(type: "INTEGER", nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    billing_reason = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    stripe_created = table.Column<long>(type: "INTEGER", nullable: false),
                    period_start = table.Column<long>(type: "INTEGER", nullable: true),
                    period_end = table.Column<long>(type: "INTEGER", nullable: true),
                    paid_at = table.Column<long>(type: "INTEGER", nullable: true),
                    hosted_invoice_url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    source_timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invoices", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "prices",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    stripe_price_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    stripe_product_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    unit_amount = table.Column<long>(type: "INTEGER", nullable: true),
                    unit_amount_decimal = table.Column<decimal>(type: "TEXT", precision: 38, scale: 12, nullable: true),
                    type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    billing_scheme = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    recurring_interval = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true),
                    recurring_interval_count = table.Column<long>(type: "INTEGER", nullable: false),
                    usage_type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    meter_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    active = table.Column<bool>(type: "INTEGER", nullable: false),
                    nickname = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    lookup_key = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    deleted = table.Column<bool>(type: "INTEGER", nullable: false),
                    stripe_created = table.Column<long>(type: "INTEGER", nullable: false),
                    source_timestamp = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_prices", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "products",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    stripe_product_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    active = table.Column<bool>(type: "INTEGER", nullable: false),
                    deleted = table.Column<bool>(type: "INTEGER", nullable: false),
                    stripe_created = table.Column<long>(type: "INTEGER", nullable: false),
                    source_timestamp = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_products", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "stripe_settings",
                columns: table => new
                {
                    key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    value = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stripe_settings", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "subscription_discounts",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    stripe_discount_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    stripe_subscription_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    coupon_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    percent_off = table.Column<decimal>(type: "TEXT", precision: 9, scale: 4, nullable: true),
                    amount_off = table.Column<long>(type: "INTEGER", nullable: true),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: true),
                    duration = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    duration_in_months = table.Column<long>(type: "INTEGER", nullable: true),
                    start = table.Column<long>(type: "INTEGER", nullable: true),
                    end = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_subscription_discounts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "subscription_history",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    stripe_subscription_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    stripe_customer_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    items = table.Column<string>(type: "TEXT", nullable: false),
                    discounts = table.Column<string>(type: "TEXT", nullable: false),
                    cancel_at_period_end = table.Column<bool>(type: "INTEGER", nullable: false),
                    cancel_at = table.Column<long>(type: "INTEGER", nullable: true),
                    canceled_at = table.Column<long>(type: "INTEGER", nullable: true),
                    ended_at = table.Column<long>(type: "INTEGER", nullable: true),
                    trial_end = table.Column<long>(type: "INTEGER", nullable: true),
                    valid_from = table.Column<long>(type: "INTEGER", nullable: false),
                    valid_to = table.Column<long>(type: "INTEGER", nullable: true),
                    rank = table.Column<int>(type: "INTEGER", nullable: false),
                    source_event_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_subscription_history", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "subscription_items",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    stripe_subscription_item_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    stripe_subscription_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    price_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    quantity = table.Column<long>(type: "INTEGER", nullable: true),
                    current_period_start = table.Column<long>(type: "INTEGER", nullable: true),
                    current_period_end = table.Column<long>(type: "INTEGER", nullable: true),
                    deleted = table.Column<bool>(type: "INTEGER", nullable: false),
                    stripe_created = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_subscription_items", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "subscriptions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    stripe_subscription_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    stripe_customer_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    user_id = table.Column<long>(type: "INTEGER", nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    stripe_subscription_item_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    price_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: true),
                    current_period_start = table.Column<long>(type: "INTEGER", nullable: true),
                    current_period_end = table.Column<long>(type: "INTEGER", nullable: true),
                    cancel_at_period_end = table.Column<bool>(type: "INTEGER", nullable: false),
                    cancel_at = table.Column<long>(type: "INTEGER", nullable: true),
                    canceled_at = table.Column<long>(type: "INTEGER", nullable: true),
                    ended_at = table.Column<long>(type: "INTEGER", nullable: true),
                    trial_start = table.Column<long>(type: "INTEGER", nullable: true),
                    trial_end = table.Column<long>(type: "INTEGER", nullable: true),
                    start_date = table.Column<long>(type: "INTEGER", nullable: true),
                    latest_invoice_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    stripe_created = table.Column<long>(type: "INTEGER", nullable: false),
                    source_timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_subscriptions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "webhook_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    stripe_event_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    api_version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    stripe_created = table.Column<long>(type: "INTEGER", nullable: false),
                    object_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    payload = table.Column<string>(type: "TEXT", nullable: false),
                    received_at = table.Column<long>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_at = table.Column<long>(type: "INTEGER", nullable: false),
                    locked_until = table.Column<long>(type: "INTEGER", nullable: true),
                    locked_by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    processed_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhook_events", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_customers_stripe_customer_id",
                table: "customers",
                column: "stripe_customer_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_customers_user_id",
                table: "customers",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_invoices_stripe_customer_id",
                table: "invoices",
                column: "stripe_customer_id");

            migrationBuilder.CreateIndex(
                name: "ix_invoices_stripe_invoice_id",
                table: "invoices",
                column: "stripe_invoice_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_invoices_stripe_subscription_id",
                table: "invoices",
                column: "stripe_subscription_id");

            migrationBuilder.CreateIndex(
                name: "ix_invoices_user_id_stripe_created",
                table: "invoices",
                columns: new[] { "user_id", "stripe_created" });

            migrationBuilder.CreateIndex(
                name: "ix_prices_stripe_price_id",
                table: "prices",
                column: "stripe_price_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_products_stripe_product_id",
                table: "products",
                column: "stripe_product_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_subscription_discounts_stripe_discount_id",
                table: "subscription_discounts",
                column: "stripe_discount_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_subscription_discounts_stripe_subscription_id",
                table: "subscription_discounts",
                column: "stripe_subscription_id");

            migrationBuilder.CreateIndex(
                name: "ix_subscription_history_stripe_subscription_id_valid_from",
                table: "subscription_history",
                columns: new[] { "stripe_subscription_id", "valid_from" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_subscription_history_valid_from_valid_to",
                table: "subscription_history",
                columns: new[] { "valid_from", "valid_to" });

            migrationBuilder.CreateIndex(
                name: "ix_subscription_items_stripe_subscription_id",
                table: "subscription_items",
                column: "stripe_subscription_id");

            migrationBuilder.CreateIndex(
                name: "ix_subscription_items_stripe_subscription_item_id",
                table: "subscription_items",
                column: "stripe_subscription_item_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_subscriptions_status",
                table: "subscriptions",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "ix_subscriptions_stripe_customer_id",
                table: "subscriptions",
                column: "stripe_customer_id");

            migrationBuilder.CreateIndex(
                name: "ix_subscriptions_stripe_subscription_id",
                table: "subscriptions",
                column: "stripe_subscription_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_subscriptions_stripe_subscription_item_id",
                table: "subscriptions",
                column: "stripe_subscription_item_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_subscriptions_user_id",
                table: "subscriptions",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_webhook_events_status_next_attempt_at",
                table: "webhook_events",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ix_webhook_events_stripe_event_id",
                table: "webhook_events",
                column: "stripe_event_id",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "customers");

            migrationBuilder.DropTable(
                name: "invoices");

            migrationBuilder.DropTable(
                name: "prices");

            migrationBuilder.DropTable(
                name: "products");

            migrationBuilder.DropTable(
                name: "stripe_settings");

            migrationBuilder.DropTable(
                name: "subscription_discounts");

            migrationBuilder.DropTable(
                name: "subscription_history");

            migrationBuilder.DropTable(
                name: "subscription_items");

            migrationBuilder.DropTable(
                name: "subscriptions");

            migrationBuilder.DropTable(
                name: "webhook_events");
        }
    }
}
