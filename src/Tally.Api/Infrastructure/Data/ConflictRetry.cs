using Microsoft.EntityFrameworkCore;

namespace Tally.Api.Infrastructure.Data;

/// <summary>
/// The one way Tally retries a unit of work that lost a race with another writer (another instance,
/// the webhook processor, a concurrent request): a unique index or a concurrency token refused its
/// write, so it reads the rows again and applies its change over the winner's. Each round one of the
/// racing writers wins, so a few attempts are enough; the last conflict is thrown to the caller.
/// </summary>
internal static class ConflictRetry
{
    /// <summary>Runs <paramref name="work"/> (given the attempt number, from 1) until it does not lose a race; <paramref name="reset"/> runs before each retry.</summary>
    public static async Task<T> RunAsync<T>(int attempts, Func<int, Task<T>> work, Action? reset = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work(attempt);
            }
            catch (Exception ex) when (attempt < attempts && ex.IsWriteConflict())
            {
                reset?.Invoke();
            }
        }
    }

    public static Task RunAsync(int attempts, Func<int, Task> work, Action? reset = null) =>
        RunAsync(attempts, async attempt =>
        {
            await work(attempt);
            return true;
        }, reset);

    /// <summary>Retries on <paramref name="db"/>: its change tracker is cleared before each retry, so the work reads the winner's rows.</summary>
    public static Task<T> RetryOnConflictAsync<T>(this DbContext db, int attempts, Func<Task<T>> work) =>
        RunAsync(attempts, _ => work(), db.ChangeTracker.Clear);

    public static Task RetryOnConflictAsync(this DbContext db, int attempts, Func<Task> work) =>
        RunAsync(attempts, _ => work(), db.ChangeTracker.Clear);
}
