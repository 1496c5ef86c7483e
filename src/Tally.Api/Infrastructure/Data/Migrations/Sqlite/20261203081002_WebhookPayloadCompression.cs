using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tally.Api.Infrastructure.Data.Migrations.Sqlite
{
    /// <summary>
    /// Nothing to do on SQLite, which does not compress columns: the PostgreSQL migration of the same
    /// name switches webhook bodies to lz4. It exists so that both providers keep one migration list.
    /// </summary>
    public partial class WebhookPayloadCompression : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
