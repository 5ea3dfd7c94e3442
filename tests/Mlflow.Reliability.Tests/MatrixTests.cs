using Xunit.Abstractions;

namespace Mlflow.Reliability.Tests;

/// <summary>
/// One row of the fault matrix: every <see cref="Fault"/> injected into the first attempt of one operation, through
/// <see cref="FaultProxy"/> in front of the embedded server. Each cell asserts the outcome written down in
/// <see cref="FaultMatrix.Expect"/> (success after a retry, or a typed <see cref="MlflowException"/>), the number of
/// attempts, the state the server is left in, and that the call ended within the configured deadline.
/// </summary>
public abstract class MatrixRow(ITestOutputHelper output)
{
    /// <summary>The operation of this row.</summary>
    protected abstract string Operation { get; }

    /// <summary>Every fault of the matrix.</summary>
    public static TheoryData<Fault> Faults() => [.. FaultMatrix.Faults];

    /// <summary>One cell.</summary>
    /// <param name="fault">The fault.</param>
    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Cell(Fault fault)
    {
        var server = await SharedServer.GetAsync();
        var op = FaultMatrix.Operations.Single(o => o.Name == Operation);
        var expected = FaultMatrix.Expect(op.Name, fault);
        var observed = await FaultMatrix.RunAsync(server, op, fault);
        output.WriteLine($"| {op.Name} | {fault} | {observed.Outcome} | {observed.Attempts} | {observed.Effect} | {observed.Elapsed.TotalSeconds:0.00} s | {expected.Python} |");
        if (observed.Error is not null) output.WriteLine(observed.Error.ToString());

        Assert.NotEqual("hang", observed.Outcome);
        Assert.True(observed.Error is null or MlflowException, $"untyped exception {observed.Error?.GetType()}: {observed.Error?.Message}");
        Assert.Equal(expected.Outcome, observed.Outcome);
        Assert.Equal(expected.Attempts, observed.Attempts);
        if (expected.Effect is not null) Assert.Equal(expected.Effect, observed.Effect);
        Assert.True(observed.Elapsed < FaultMatrix.Deadline + FaultMatrix.AttemptTimeout, $"took {observed.Elapsed}");
        if (fault == Fault.RateLimitedSeconds) Assert.True(observed.Elapsed >= TimeSpan.FromSeconds(0.9), $"Retry-After not honoured: {observed.Elapsed}");
    }
}

public sealed class CreateRunRow(ITestOutputHelper output) : MatrixRow(output)
{
    protected override string Operation => "create run";
}

public sealed class LogMetricRow(ITestOutputHelper output) : MatrixRow(output)
{
    protected override string Operation => "log metric";
}

public sealed class LogBatchRow(ITestOutputHelper output) : MatrixRow(output)
{
    protected override string Operation => "log batch";
}

public sealed class SearchRunsRow(ITestOutputHelper output) : MatrixRow(output)
{
    protected override string Operation => "search runs page";
}

public sealed class GetMetricHistoryRow(ITestOutputHelper output) : MatrixRow(output)
{
    protected override string Operation => "get metric history";
}

public sealed class ArtifactUploadRow(ITestOutputHelper output) : MatrixRow(output)
{
    protected override string Operation => "artifact upload";
}

public sealed class ArtifactDownloadRow(ITestOutputHelper output) : MatrixRow(output)
{
    protected override string Operation => "artifact download";
}

public sealed class WebhookCreateRow(ITestOutputHelper output) : MatrixRow(output)
{
    protected override string Operation => "webhook create";
}
