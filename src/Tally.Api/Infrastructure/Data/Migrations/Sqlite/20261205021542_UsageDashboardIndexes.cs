using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tally.Api.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UsageDashboardIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_usage_records_corrections",
                table: "usage_records",
                column: "id",
                filter: "kind = 'correction'");

            migrationBuilder.CreateIndex(
                name: "ix_usage_records_created_at",
                table: "usage_records",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_usage_records_late",
                table: "usage_records",
                column: "id",
                filter: "late");

            migrationBuilder.CreateIndex(
                name: "ix_usage_records_period_end",
                table: "usage_records",
                column: "period_end");

            migrationBuilder.CreateIndex(
                name: "ix_usage_records_reported_at",
                table: "usage_records",
                column: "reported_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_usage_records_corrections",
                table: "usage_records");

            migrationBuilder.DropIndex(
                name: "ix_usage_records_created_at",
                table: "usage_records");

            migrationBuilder.DropIndex(
                name: "ix_usage_records_late",
                table: "usage_records");

            migrationBuilder.DropIndex(
                name: "ix_usage_records_period_end",
                table: "usage_records");

            migrationBuilder.DropIndex(
                name: "ix_usage_records_reported_at",
                table: "usage_records");
        }
    }
}
