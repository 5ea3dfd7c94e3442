using Mlflow.Soak;
using Xunit.Abstractions;

namespace Mlflow.Reliability.Tests;

/// <summary>
/// The soak's short mode (8 writers x 150 batches, 2 readers, embedded server): no error, every write done, and the
/// managed heap at the end within a few MB of the start. The full soak is a program (tests/Mlflow.Soak) whose
/// figures the README reports.
/// </summary>
public sealed class SoakShortTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Short_soak_has_no_errors_and_a_flat_heap()
    {
        using var writer = new StringWriter();
        var report = await SoakRunner.RunAsync(SoakOptions.Short, writer);
        output.WriteLine(writer.ToString());
        Assert.Equal(0, report.Errors);
        Assert.Equal(SoakOptions.Short.Writers * SoakOptions.Short.OperationsPerWriter, report.WriteOperations);
        Assert.True(report.ReadOperations > 0);
        var growth = report.Memory[^1].ManagedBytes - report.Memory[1].ManagedBytes;
        Assert.True(growth < 16 * 1024 * 1024, $"managed heap grew by {growth / 1024} KiB");
    }
}
