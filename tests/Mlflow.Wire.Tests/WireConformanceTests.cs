using Xunit.Abstractions;

namespace Mlflow.Wire.Tests;

/// <summary>
/// Every recorded exchange: the request rebuilt through the generated request builder from the recorded values
/// (method, path, query multiset, JSON body or raw bytes), and the JSON response read into its declared model and
/// written back (semantic JSON equality, see <see cref="JsonSemantics"/>).
/// </summary>
public sealed class WireConformanceTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(WireCorpus.Ids), MemberType = typeof(WireCorpus))]
    public void Request_is_reproduced_by_the_generated_builder(string id)
    {
        var exchange = WireCorpus.Get(id);
        var outcome = WireConformance.Safely(WireConformance.CheckRequest, exchange);
        output.WriteLine(exchange + ": " + outcome);
        Assert.False(outcome.Failed, exchange + ": " + outcome.Detail);
    }

    [Theory]
    [MemberData(nameof(WireCorpus.Ids), MemberType = typeof(WireCorpus))]
    public void Json_response_round_trips_through_its_declared_model(string id)
    {
        var exchange = WireCorpus.Get(id);
        var outcome = WireConformance.Safely(WireConformance.CheckResponse, exchange);
        output.WriteLine(exchange + ": " + outcome);
        Assert.False(outcome.Failed, exchange + ": " + outcome.Detail);
    }

    [Fact]
    public void Summary()
    {
        var rows = WireCorpus.All.Select(e => (Exchange: e, Request: WireConformance.Safely(WireConformance.CheckRequest, e), Response: WireConformance.Safely(WireConformance.CheckResponse, e))).ToList();
        var matched = rows.Count(r => WireConformance.OperationOf(r.Exchange) != null);
        output.WriteLine($"exchanges {rows.Count}; matched to a spec operation {matched}");
        output.WriteLine($"requests: pass {rows.Count(r => r.Request.Status == "pass")}, fail {rows.Count(r => r.Request.Failed)}, n/a {rows.Count(r => r.Request.Status == "n/a")}");
        output.WriteLine($"responses: pass {rows.Count(r => r.Response.Status == "pass")}, fail {rows.Count(r => r.Response.Failed)}, n/a {rows.Count(r => r.Response.Status == "n/a")}");
        foreach (var group in rows.Where(r => r.Request.Status == "n/a").GroupBy(r => Reason(r.Request.Detail)))
        {
            output.WriteLine($"  request n/a x{group.Count()}: {group.Key} ({string.Join(", ", group.Select(g => g.Exchange.Id).Take(8))})");
        }

        foreach (var group in rows.Where(r => r.Response.Status == "n/a").GroupBy(r => Reason(r.Response.Detail)))
        {
            output.WriteLine($"  response n/a x{group.Count()}: {group.Key}");
        }

        foreach (var r in rows.Where(r => r.Request.Failed || r.Response.Failed))
        {
            output.WriteLine($"  FAIL {r.Exchange}: request {r.Request}; response {r.Response}");
        }

        Assert.DoesNotContain(rows, r => r.Request.Failed || r.Response.Failed);
    }

    private static string Reason(string detail) => detail.Length > 70 ? detail[..70] : detail;
}
