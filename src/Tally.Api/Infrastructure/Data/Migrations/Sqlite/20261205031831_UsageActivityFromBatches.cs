using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tally.Api.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UsageActivityFromBatches : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_usage_records_reported_at",
                table: "usage_records");

            migrationBuilder.CreateIndex(
                name: "ix_usage_batches_sent_at",
                table: "usage_batches",
                column: "sent_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_usage_batches_sent_at",
                table: "usage_batches");

            migrationBuilder.CreateIndex(
                name: "ix_usage_records_reported_at",
                table: "usage_records",
                column: "reported_at");
        }
    }
}
