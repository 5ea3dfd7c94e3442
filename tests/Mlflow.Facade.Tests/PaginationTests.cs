using System.Text.Json.Nodes;

namespace Mlflow.Facade.Tests;

/// <summary>Paged operations as <c>IAsyncEnumerable&lt;T&gt;</c> that follow page tokens, and as single pages.</summary>
public sealed class PaginationTests
{
    private const string History = "/api/2.0/mlflow/metrics/get-history";

    private static KeyValuePair<string, string>[] Query(params (string Key, string Value)[] pairs) =>
        pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)).ToArray();

    private static string Metrics(int from, int count, string? next)
    {
        var metrics = Enumerable.Range(from, count).Select(i => $"{{\"key\":\"loss\",\"value\":{i}.5,\"timestamp\":{1000 + i},\"step\":{i}}}");
        return "{\"metrics\":[" + string.Join(",", metrics) + "]" + (next == null ? "" : ",\"next_page_token\":\"" + next + "\"") + "}";
    }

    [Fact]
    public async Task Metric_history_follows_tokens_across_pages_to_an_empty_last_page_and_always_sends_max_results()
    {
        var handler = new ReplayHandler()
            .Expect("GET", History, Query(("run_id", "r1"), ("metric_key", "loss"), ("max_results", "25000")), null, 200, Metrics(0, 2, "t1"))
            .Expect("GET", History, Query(("run_id", "r1"), ("metric_key", "loss"), ("max_results", "25000"), ("page_token", "t1")), null, 200, Metrics(2, 1, "t2"))
            .Expect("GET", History, Query(("run_id", "r1"), ("metric_key", "loss"), ("max_results", "25000"), ("page_token", "t2")), null, 200, "{}");
        using var client = Clients.Over(handler);

        var steps = new List<long>();
        await foreach (var metric in client.GetMetricHistoryAsync("loss", runId: "r1"))
        {
            steps.Add(metric.Step!.Value);
        }

        Assert.Empty(handler.Mismatches);
        Assert.Equal(0, handler.Remaining);
        Assert.Equal(new long[] { 0, 1, 2 }, steps);
    }

    [Fact]
    public async Task An_explicit_page_size_is_sent_on_every_page()
    {
        var handler = new ReplayHandler()
            .Expect("GET", History, Query(("run_id", "r1"), ("metric_key", "loss"), ("max_results", "2")), null, 200, Metrics(0, 2, "t1"))
            .Expect("GET", History, Query(("run_id", "r1"), ("metric_key", "loss"), ("max_results", "2"), ("page_token", "t1")), null, 200, Metrics(2, 2, null));
        using var client = Clients.Over(handler);
        var all = await client.GetMetricHistoryAsync("loss", runId: "r1", maxResults: 2).ToListAsync();
        Assert.Empty(handler.Mismatches);
        Assert.Equal(4, all.Count);
    }

    [Fact]
    public async Task Search_experiments_carries_the_token_in_the_body_and_skips_an_empty_middle_page()
    {
        const string path = "/api/2.0/mlflow/experiments/search";
        var handler = new ReplayHandler()
            .Expect("POST", path, null, JsonNode.Parse("{\"max_results\":1,\"filter\":\"name LIKE 'a%'\"}"), 200, "{\"experiments\":[{\"experiment_id\":\"1\",\"name\":\"a1\"}],\"next_page_token\":\"p2\"}")
            .Expect("POST", path, null, JsonNode.Parse("{\"max_results\":1,\"filter\":\"name LIKE 'a%'\",\"page_token\":\"p2\"}"), 200, "{\"next_page_token\":\"p3\"}")
            .Expect("POST", path, null, JsonNode.Parse("{\"max_results\":1,\"filter\":\"name LIKE 'a%'\",\"page_token\":\"p3\"}"), 200, "{\"experiments\":[{\"experiment_id\":\"2\",\"name\":\"a2\"}]}");
        using var client = Clients.Over(handler);
        var names = new List<string>();
        await foreach (var experiment in client.SearchExperimentsAsync(maxResults: 1, filter: "name LIKE 'a%'"))
        {
            names.Add(experiment.Name!);
        }

        Assert.Empty(handler.Mismatches);
        Assert.Equal(0, handler.Remaining);
        Assert.Equal(new[] { "a1", "a2" }, names);
    }

    [Fact]
    public async Task The_page_method_returns_one_page_and_the_last_page_has_no_token()
    {
        var handler = new ReplayHandler()
            .Expect("GET", History, Query(("run_id", "r1"), ("metric_key", "loss"), ("max_results", "25000"), ("page_token", "t9")), null, 200, "{\"metrics\":[],\"next_page_token\":\"\"}");
        using var client = Clients.Over(handler);
        var page = await client.GetMetricHistoryPageAsync("loss", runId: "r1", pageToken: "t9");
        Assert.Empty(handler.Mismatches);
        Assert.Empty(page.Items);
        Assert.Null(page.NextPageToken);
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task A_server_that_repeats_a_token_is_stopped_instead_of_looping()
    {
        var handler = new ReplayHandler()
            .Expect("GET", History, Query(("run_id", "r1"), ("metric_key", "loss"), ("max_results", "25000")), null, 200, Metrics(0, 1, "same"))
            .Expect("GET", History, Query(("run_id", "r1"), ("metric_key", "loss"), ("max_results", "25000"), ("page_token", "same")), null, 200, Metrics(1, 1, "same"));
        using var client = Clients.Over(handler);
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in client.GetMetricHistoryAsync("loss", runId: "r1"))
            {
            }
        });
    }
}
