using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tally.Api.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Revenue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "fx_rates",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    quote_currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    effective_date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    rate = table.Column<decimal>(type: "TEXT", precision: 28, scale: 12, nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fx_rates", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "invoice_lines",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    stripe_line_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    stripe_invoice_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    stripe_subscription_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    stripe_subscription_item_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    price_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    quantity = table.Column<decimal>(type: "TEXT", precision: 38, scale: 12, nullable: true),
                    proration = table.Column<bool>(type: "INTEGER", nullable: false),
                    period_start = table.Column<long>(type: "INTEGER", nullable: true),
                    period_end = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invoice_lines", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_fx_rates_currency_quote_currency_effective_date",
                table: "fx_rates",
                columns: new[] { "currency", "quote_currency", "effective_date" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_invoice_lines_stripe_invoice_id",
                table: "invoice_lines",
                column: "stripe_invoice_id");

            migrationBuilder.CreateIndex(
                name: "ix_invoice_lines_stripe_line_id",
                table: "invoice_lines",
                column: "stripe_line_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_invoice_lines_stripe_subscription_id_period_end",
                table: "invoice_lines",
                columns: new[] { "stripe_subscription_id", "period_end" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "fx_rates");

            migrationBuilder.DropTable(
                name: "invoice_lines");
        }
    }
}
