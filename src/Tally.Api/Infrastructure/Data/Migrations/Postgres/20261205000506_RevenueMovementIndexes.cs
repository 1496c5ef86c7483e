using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tally.Api.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RevenueMovementIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_revenue_customer_mrr_valid_from",
                table: "revenue_customer_mrr");

            migrationBuilder.DropIndex(
                name: "ix_revenue_customer_mrr_valid_to",
                table: "revenue_customer_mrr");

            migrationBuilder.CreateIndex(
                name: "ix_revenue_customer_mrr_valid_from",
                table: "revenue_customer_mrr",
                column: "valid_from")
                .Annotation("Npgsql:IndexInclude", new[] { "valid_to", "customer_id", "currency", "mrr" });

            migrationBuilder.CreateIndex(
                name: "ix_revenue_customer_mrr_valid_to",
                table: "revenue_customer_mrr",
                column: "valid_to")
                .Annotation("Npgsql:IndexInclude", new[] { "valid_from", "customer_id", "currency", "mrr" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_revenue_customer_mrr_valid_from",
                table: "revenue_customer_mrr");

            migrationBuilder.DropIndex(
                name: "ix_revenue_customer_mrr_valid_to",
                table: "revenue_customer_mrr");

            migrationBuilder.CreateIndex(
                name: "ix_revenue_customer_mrr_valid_from",
                table: "revenue_customer_mrr",
                column: "valid_from");

            migrationBuilder.CreateIndex(
                name: "ix_revenue_customer_mrr_valid_to",
                table: "revenue_customer_mrr",
                column: "valid_to");
        }
    }
}
