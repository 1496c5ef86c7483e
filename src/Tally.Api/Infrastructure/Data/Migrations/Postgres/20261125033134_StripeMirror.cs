using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Tally.Api.Infrastructure.Data.Migrations.Postgres
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
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    stripe_customer_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    user_id = table.Column<long>(type: "bigint", nullable: true),
                    email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    default_payment_method_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    deleted = table.Column<bool>(type: "boolean", nullable: false),
                    stripe_created = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    source_timestamp = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_customers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "invoices",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    stripe_invoice_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    stripe_customer_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    stripe_subscription_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    user_id = table.Column<long>(type: "bigint", nullable: true),
                    number = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    amount_due = table.Column<long>(type: "bigint", nullable: false),
                    amount_paid = table.Column<long>(type: "bigint", nullable: false),
                    amount_remaining = table.Column<long>(type: "bigint", nullable: false),
                    subtotal = table.Column<long>(type: "bigint", nullable: false),
                    total = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    billing_reason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    stripe_created = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    period_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    paid_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    hosted_invoice_url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    source_timestamp = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invoices", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "prices",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    stripe_price_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    stripe_product_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    unit_amount = table.Column<long>(type: "bigint", nullable: true),
                    unit_amount_decimal = table.Column<decimal>(type: "numeric(38,12)", precision: 38, scale: 12, nullable: true),
                    type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    billing_scheme = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    recurring_interval = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    recurring_interval_count = table.Column<long>(type: "bigint", nullable: false),
                    usage_type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    meter_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    nickname = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    lookup_key = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    deleted = table.Column<bool>(type: "boolean", nullable: false),
                    stripe_created = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    source_timestamp = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_prices", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "products",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    stripe_product_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    deleted = table.Column<bool>(type: "boolean", nullable: false),
                    stripe_created = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    source_timestamp = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_products", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "stripe_settings",
                columns: table => new
                {
                    key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    value = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stripe_settings", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "subscription_discounts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    stripe_discount_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    stripe_subscription_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    coupon_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    percent_off = table.Column<decimal>(type: "numeric(9,4)", precision: 9, scale: 4, nullable: true),
                    amount_off = table.Column<long>(type: "bigint", nullable: true),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    duration = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    duration_in_months = table.Column<long>(type: "bigint", nullable: true),
                    start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_subscription_discounts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "subscription_history",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    stripe_subscription_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    stripe_customer_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    items = table.Column<string>(type: "text", nullable: false),
                    discounts = table.Column<string>(type: "text", nullable: false),
                    cancel_at_period_end = table.Column<bool>(type: "boolean", nullable: false),
                    cancel_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    canceled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    trial_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    valid_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    valid_to = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    rank = table.Column<int>(type: "integer", nullable: false),
                    source_event_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_subscription_history", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "subscription_items",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    stripe_subscription_item_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    stripe_subscription_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    price_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    quantity = table.Column<long>(type: "bigint", nullable: true),
                    current_period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    current_period_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    deleted = table.Column<bool>(type: "boolean", nullable: false),
                    stripe_created = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_subscription_items", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "subscriptions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    stripe_subscription_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    stripe_customer_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    user_id = table.Column<long>(type: "bigint", nullable: true),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    stripe_subscription_item_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    price_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    current_period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    current_period_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    cancel_at_period_end = table.Column<bool>(type: "boolean", nullable: false),
                    cancel_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    canceled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    trial_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    trial_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    start_date = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    latest_invoice_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    stripe_created = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    source_timestamp = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_subscriptions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "webhook_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    stripe_event_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    type = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    api_version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    stripe_created = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    object_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    payload = table.Column<string>(type: "text", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    locked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    locked_by = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    processed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
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
