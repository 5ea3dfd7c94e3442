using System.Text.Json.Nodes;

namespace Mlflow.Facade.Tests;

/// <summary>
/// Paged operations return one <see cref="MlflowPageable{T}"/>: an async sequence of items that follows page tokens,
/// capped by <c>maxResults</c> as Python's <c>max_results</c>, and a page-by-page view (<c>AsPages</c>) with tokens.
/// </summary>
public sealed class PaginationTests
{
    private const string History = "/api/2.0/mlflow/metrics/get-history";
    private const string Search = "/api/2.0/mlflow/experiments/search";

    private static KeyValuePair<string, string>[] Query(params (string Key, string Value)[] pairs) =>
        pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)).ToArray();

    private static string Metrics(int from, int count, string? next)
    {
        var metrics = Enumerable.Range(from, count).Select(i => $"{{\"key\":\"loss\",\"value\":{i}.5,\"timestamp\":{1000 + i},\"step\":{i}}}");
        return "{\"metrics\":[" + string.Join(",", metrics) + "]" + (next == null ? "" : ",\"next_page_token\":\"" + next + "\"") + "}";
    }

    private static string Experiments(int from, int count, string? next)
    {
        var items = Enumerable.Range(from, count).Select(i => $"{{\"experiment_id\":\"{i}\",\"name\":\"e{i}\",\"artifact_location\":\"a\",\"lifecycle_stage\":\"active\"}}");
        return "{\"experiments\":[" + string.Join(",", items) + "]" + (next == null ? "" : ",\"next_page_token\":\"" + next + "\"") + "}";
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
        await foreach (var metric in client.GetMetricHistoryAsync("r1", "loss"))
        {
            steps.Add(metric.Step);
        }

        Assert.Empty(handler.Mismatches);
        Assert.Equal(0, handler.Remaining);
        Assert.Equal(new long[] { 0, 1, 2 }, steps);
    }

    [Fact]
    public async Task A_page_size_hint_is_sent_on_every_page()
    {
        var handler = new ReplayHandler()
            .Expect("GET", History, Query(("run_id", "r1"), ("metric_key", "loss"), ("max_results", "2")), null, 200, Metrics(0, 2, "t1"))
            .Expect("GET", History, Query(("run_id", "r1"), ("metric_key", "loss"), ("max_results", "2"), ("page_token", "t1")), null, 200, Metrics(2, 2, null));
        using var client = Clients.Over(handler);
        var pages = await client.GetMetricHistoryAsync("r1", "loss").AsPages(pageSizeHint: 2).ToListAsync();
        Assert.Empty(handler.Mismatches);
        Assert.Equal(new[] { 2, 2 }, pages.Select(p => p.Items.Count));
        Assert.Equal("t1", pages[0].NextPageToken);
        Assert.Null(pages[1].NextPageToken);
    }

    [Fact]
    public async Task Max_results_caps_the_total_and_asks_only_for_what_is_still_missing()
    {
        var handler = new ReplayHandler()
            .Expect("POST", Search, null, JsonNode.Parse("{\"view_type\":\"ACTIVE_ONLY\",\"max_results\":3}"), 200, Experiments(0, 2, "p2"))
            .Expect("POST", Search, null, JsonNode.Parse("{\"view_type\":\"ACTIVE_ONLY\",\"max_results\":1,\"page_token\":\"p2\"}"), 200, Experiments(2, 1, "p3"));
        using var client = Clients.Over(handler);
        var ids = await client.SearchExperimentsAsync(maxResults: 3).Select(e => e.ExperimentId).ToListAsync();
        Assert.Empty(handler.Mismatches);
        Assert.Equal(0, handler.Remaining); // no request for p3: the cap was reached
        Assert.Equal(new[] { "0", "1", "2" }, ids);
    }

    [Fact]
    public async Task Search_experiments_carries_the_token_in_the_body_and_skips_an_empty_middle_page()
    {
        var handler = new ReplayHandler()
            .Expect("POST", Search, null, JsonNode.Parse("{\"view_type\":\"ACTIVE_ONLY\",\"filter\":\"name LIKE 'a%'\"}"), 200, Experiments(1, 1, "p2"))
            .Expect("POST", Search, null, JsonNode.Parse("{\"view_type\":\"ACTIVE_ONLY\",\"filter\":\"name LIKE 'a%'\",\"page_token\":\"p2\"}"), 200, "{\"next_page_token\":\"p3\"}")
            .Expect("POST", Search, null, JsonNode.Parse("{\"view_type\":\"ACTIVE_ONLY\",\"filter\":\"name LIKE 'a%'\",\"page_token\":\"p3\"}"), 200, Experiments(2, 1, null));
        using var client = Clients.Over(handler);
        var names = new List<string>();
        await foreach (var experiment in client.SearchExperimentsAsync(filterString: "name LIKE 'a%'"))
        {
            names.Add(experiment.Name);
        }

        Assert.Empty(handler.Mismatches);
        Assert.Equal(0, handler.Remaining);
        Assert.Equal(new[] { "e1", "e2" }, names);
    }

    [Fact]
    public async Task One_page_from_a_token_and_the_last_page_has_no_token()
    {
        var handler = new ReplayHandler()
            .Expect("GET", History, Query(("run_id", "r1"), ("metric_key", "loss"), ("max_results", "25000"), ("page_token", "t9")), null, 200, "{\"metrics\":[],\"next_page_token\":\"\"}");
        using var client = Clients.Over(handler);
        var page = await client.GetMetricHistoryAsync("r1", "loss").GetPageAsync("t9");
        Assert.Empty(handler.Mismatches);
        Assert.Empty(page.Items);
        Assert.Null(page.NextPageToken);
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task The_method_page_token_is_where_enumeration_starts()
    {
        var handler = new ReplayHandler()
            .Expect("POST", Search, null, JsonNode.Parse("{\"view_type\":\"ACTIVE_ONLY\",\"page_token\":\"p5\"}"), 200, Experiments(5, 1, null));
        using var client = Clients.Over(handler);
        var ids = await client.SearchExperimentsAsync(pageToken: "p5").Select(e => e.ExperimentId).ToListAsync();
        Assert.Empty(handler.Mismatches);
        Assert.Equal(new[] { "5" }, ids);
    }

    [Fact]
    public async Task Nothing_is_sent_until_the_sequence_is_enumerated()
    {
        var handler = new ReplayHandler();
        using var client = Clients.Over(handler);
        _ = client.SearchExperimentsAsync();
        await Task.Yield();
        Assert.Empty(handler.Requests);
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
            await foreach (var _ in client.GetMetricHistoryAsync("r1", "loss"))
            {
            }
        });
    }
}
