using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tally.Api.Infrastructure.Data.Migrations.Postgres
{
    /// <summary>
    /// Webhook bodies are compressed with lz4 instead of PostgreSQL's default pglz, which took about a
    /// third of the server's CPU at webhook intake (bench/README.md). A server built without lz4 (or
    /// older than PostgreSQL 14) keeps the default: the change is skipped with a notice, not failed.
    /// </summary>
    public partial class WebhookPayloadCompression : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    EXECUTE 'ALTER TABLE webhook_events ALTER COLUMN payload SET COMPRESSION lz4';
                EXCEPTION WHEN OTHERS THEN
                    RAISE NOTICE 'webhook_events.payload keeps the default compression: %', SQLERRM;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    EXECUTE 'ALTER TABLE webhook_events ALTER COLUMN payload SET COMPRESSION default';
                EXCEPTION WHEN OTHERS THEN
                    RAISE NOTICE 'webhook_events.payload compression unchanged: %', SQLERRM;
                END $$;
                """);
        }
    }
}
