using System.Diagnostics;
using CsCheck;
using Xunit.Abstractions;

namespace Mlflow.Fuzz.Tests;

/// <summary>
/// Every generated model through the client's parse path with hostile answers (<see cref="ModelFuzz"/>): no
/// exception other than <see cref="MlflowProtocolException"/> (the answer is not JSON), and what parses writes back
/// without loss and stably. Fixed seeds, one thread: the same cases on every run. <c>MLFLOW_FUZZ_CASES</c> sets the
/// number of cases per seed when run by hand (default 25,000, 4 seeds: 100,000 cases).
/// </summary>
public sealed class ModelFuzzTests(ITestOutputHelper output)
{
    private static readonly int CasesPerSeed = int.TryParse(Environment.GetEnvironmentVariable("MLFLOW_FUZZ_CASES"), out var n) && n > 0 ? n : 25_000;

    /// <summary>The fixed seeds of the test command (CsCheck seed strings).</summary>
    public static TheoryData<string> Seeds() => ["0000000000001", "0000000000002", "0000000000003", "0000000000004"];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Hostile_answers_parse_or_fail_with_the_protocol_exception_and_write_back_without_loss(string seed)
    {
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var watch = Stopwatch.StartNew();
        ModelFuzz.Cases.Sample(
            fuzz =>
            {
                var outcome = ModelFuzz.Check(fuzz);
                lock (outcomes) outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            },
            seed: seed,
            iter: CasesPerSeed,
            threads: 1);
        output.WriteLine($"seed {seed}: {CasesPerSeed} cases over {ModelFuzz.Models.Length} models in {watch.Elapsed.TotalSeconds:0.0} s; "
            + string.Join(", ", outcomes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")));
        Assert.Equal(CasesPerSeed, outcomes.Values.Sum());
        Assert.True(outcomes.GetValueOrDefault("parsed") > CasesPerSeed / 2, "most cases should parse");
    }

    [Fact]
    public void Every_generated_model_is_fuzzed()
    {
        Assert.True(ModelFuzz.Models.Length > 400, $"{ModelFuzz.Models.Length} models");
        Assert.All(ModelFuzz.Models, m => Assert.NotNull(m.Factory));
    }
}
