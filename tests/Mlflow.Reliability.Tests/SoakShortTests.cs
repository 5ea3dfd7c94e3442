using Mlflow.Soak;
using Xunit.Abstractions;

namespace Mlflow.Reliability.Tests;

/// <summary>
/// The soak's short mode (8 writers x 150 batches, half of them through the background logger, 2 readers, embedded
/// server), run twice in a row: no error, every write done, and memory that does not grow with the count: the second
/// run ends with a managed heap within 8 MB of the first run's end. (Within one short run the heap is not flat: the
/// background writers' queue fills while they outpace the server; the long soak shows it plateau.) The full soak is a
/// program (tests/Mlflow.Soak) whose figures the README reports.
/// </summary>
public sealed class SoakShortTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Short_soak_has_no_errors_and_a_flat_heap()
    {
        var first = await RunAsync();
        var second = await RunAsync();
        var growth = second.Memory[^1].ManagedBytes - first.Memory[^1].ManagedBytes;
        Assert.True(growth < 8 * 1024 * 1024, $"the second run ended {growth / 1024} KiB above the first");
    }

    private async Task<SoakReport> RunAsync()
    {
        using var writer = new StringWriter();
        var report = await SoakRunner.RunAsync(SoakOptions.Short, writer);
        output.WriteLine(writer.ToString());
        Assert.Equal(0, report.Errors);
        Assert.Equal(SoakOptions.Short.Writers * SoakOptions.Short.OperationsPerWriter, report.WriteOperations);
        Assert.True(report.ReadOperations > 0);
        return report;
    }
}
