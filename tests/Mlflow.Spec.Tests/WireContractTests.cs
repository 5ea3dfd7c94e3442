using Mlflow.TestSupport;
using Xunit;

namespace Mlflow.Spec.Tests;

/// <summary>
/// The recorded exchanges with a real MLflow server are the contract: each request matches exactly one
/// operation and fits its parameters and body schema, each response fits the schema declared for its status.
/// Known non-conforming exchanges (deliberately invalid requests, unknown routes) are listed with a written
/// reason in ContractExceptions.tsv; a listed exchange that starts to conform fails the suite so the list stays true.
/// </summary>
public class WireContractTests
{
    private static readonly Lazy<ContractChecker> Checker = new(() => new ContractChecker(SpecIndex.Load()));

    internal static readonly Lazy<Dictionary<string, (string Check, string Reason)>> Exceptions = new(() =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "ContractExceptions.tsv")).Skip(1)
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .ToDictionary(c => c[0], c => (c[1], c[2])));

    public static IEnumerable<object[]> ExchangeIds() => WireCorpus.Exchanges.Select(e => new object[] { e.Id + " " + e.Name });

    [Theory]
    [MemberData(nameof(ExchangeIds))]
    public void Recorded_exchange_conforms_to_the_spec(string exchange)
    {
        var id = exchange.Split(' ')[0];
        var e = WireCorpus.Exchanges.Single(x => x.Id == id);
        var result = Checker.Value.Check(e);
        var failing = new List<string>();
        if (result.MatchErrors.Count > 0) failing.Add("match");
        if (result.RequestErrors.Count > 0) failing.Add("request");
        if (result.ResponseErrors.Count > 0) failing.Add("response");
        var details = string.Join("\n", result.MatchErrors.Concat(result.RequestErrors).Concat(result.ResponseErrors));
        if (Exceptions.Value.TryGetValue(id, out var exception))
        {
            Assert.True(failing.Count == 1 && failing[0] == exception.Check,
                $"{e}: listed as a known '{exception.Check}' exception ({exception.Reason}) but the check found [{string.Join(",", failing)}]\n{details}");
            return;
        }
        Assert.True(result.Ok, $"{e} (operation {result.Operation?.OperationId}):\n{details}");
    }

    [Fact]
    public void Every_recorded_exchange_is_checked_and_exceptions_have_reasons()
    {
        Assert.Equal(604, WireCorpus.Exchanges.Count);
        foreach (var (id, (check, reason)) in Exceptions.Value)
        {
            Assert.Contains(WireCorpus.Exchanges, e => e.Id == id);
            Assert.Contains(check, new[] { "match", "request", "response" });
            Assert.False(string.IsNullOrWhiteSpace(reason), $"exception {id} has no reason");
        }
        // Responses are never excused: a real server's answer the spec cannot describe is a spec bug.
        Assert.DoesNotContain(Exceptions.Value, x => x.Value.Check == "response");
    }
}
