using System.Text;
using System.Text.Json;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;
using Mlflow.TestSupport;
using Models = Mlflow.Client.Models;

namespace Mlflow.Facade.Tests;

/// <summary>
/// Facade methods replayed against recorded exchanges: the request they build must be the one the Python client
/// sent (method, path, query, JSON body), and the value they return must be the useful part of the recorded answer.
/// </summary>
public sealed class FacadeRequestTests
{
    private static WireExchange Exchange(string id) => WireCorpus.Exchanges.Single(e => e.Id == id);

    private static T RecordedBody<T>(WireExchange exchange, ParsableFactory<T> factory)
        where T : IParsable
    {
        using var doc = JsonDocument.Parse(exchange.Request["body"]!.ToJsonString());
        return new JsonParseNode(doc.RootElement.Clone()).GetObjectValue(factory)!;
    }

    private static System.Text.Json.Nodes.JsonNode? RecordedAnswer(WireExchange exchange, string field) =>
        System.Text.Json.Nodes.JsonNode.Parse(WireExchange.RawBytes(exchange.Response))![field];

    private static void AssertReplayed(ReplayHandler handler)
    {
        Assert.Empty(handler.Mismatches);
        Assert.Equal(0, handler.Remaining);
    }

    [Fact]
    public async Task CreateExperimentAsync_sends_name_and_tags_and_returns_the_experiment_id()
    {
        var exchange = Exchange("0005");
        var handler = new ReplayHandler().Expect(exchange);
        using var client = Clients.Over(handler);
        var id = await client.CreateExperimentAsync("wire-exp-main", tags: new Dictionary<string, string> { ["team"] = "sdk", ["purpose"] = "wire-corpus" });
        AssertReplayed(handler);
        Assert.Equal("1", id);
    }

    [Fact]
    public async Task GetRunAsync_queries_by_run_id_and_returns_the_run()
    {
        var exchange = Exchange("0046");
        var handler = new ReplayHandler().Expect(exchange);
        using var client = Clients.Over(handler);
        var run = await client.GetRunAsync("977a7df01a09461b8bbd890ce1ca605e");
        AssertReplayed(handler);
        Assert.Equal("977a7df01a09461b8bbd890ce1ca605e", run.Info.RunId);
        Assert.True(JsonSemantics.EqualNullAsAbsent(RecordedAnswer(exchange, "run"), KiotaJson.Write(run)));
    }

    [Fact]
    public async Task SearchRunsAsync_pages_send_the_search_and_return_items_and_token()
    {
        var exchange = Exchange("0072");
        var handler = new ReplayHandler().Expect(exchange);
        using var client = Clients.Over(handler);
        var page = await client.SearchRunsAsync(["1"], "metrics.acc > 0.1", runViewType: null, maxResults: 1, orderBy: ["start_time DESC"]).AsPages().FirstAsync();
        AssertReplayed(handler);
        Assert.Single(page.Items);
        Assert.Equal((string?)RecordedAnswer(exchange, "next_page_token"), page.NextPageToken);
        Assert.Equal(page.NextPageToken != null, page.HasMore);
    }

    [Fact]
    public async Task LogBatchAsync_writes_non_finite_values_as_MLflow_strings()
    {
        var exchange = Exchange("0059");
        var recorded = RecordedBody(exchange, Models.LogBatch.CreateFromDiscriminatorValue);
        var handler = new ReplayHandler().Expect(exchange);
        using var client = Clients.Over(handler);
        await client.LogBatchAsync(recorded.RunId!, metrics: recorded.Metrics);
        AssertReplayed(handler);
    }

    [Fact]
    public async Task Aliases_set_then_get_model_version_by_alias()
    {
        var handler = new ReplayHandler().Expect(Exchange("0250")).Expect(Exchange("0274"));
        using var client = Clients.Over(handler);
        await client.SetRegisteredModelAliasAsync("wire-model-a", "champion", "2");
        var version = await client.GetModelVersionByAliasAsync("wire-prompt-text", "production");
        AssertReplayed(handler);
        Assert.Equal("1", version.Version);
        Assert.Contains(version.Tags, t => t.Key == "mlflow.prompt.is_prompt" && t.Value == "true");
    }

    [Fact]
    public async Task GetModelVersionDownloadUriAsync_returns_the_uri_string()
    {
        var handler = new ReplayHandler().Expect(Exchange("0232"));
        using var client = Clients.Over(handler);
        var uri = await client.GetModelVersionDownloadUriAsync("wire-model-a", "1");
        AssertReplayed(handler);
        Assert.Equal("mlflow-artifacts:/1/977a7df01a09461b8bbd890ce1ca605e/artifacts/model", uri);
    }

    [Fact]
    public async Task CreateWebhookAsync_sends_the_events_and_returns_the_webhook()
    {
        var exchange = Exchange("0276");
        var recorded = RecordedBody(exchange, Models.CreateWebhook.CreateFromDiscriminatorValue);
        var handler = new ReplayHandler().Expect(exchange);
        using var client = Clients.Over(handler);
        var webhook = await client.CreateWebhookAsync(recorded.Name, recorded.Url, recorded.Events, description: recorded.Description, secret: recorded.Secret, status: recorded.Status);
        AssertReplayed(handler);
        Assert.Equal((string?)RecordedAnswer(exchange, "webhook")!["webhook_id"], webhook.WebhookId);
    }

    [Fact]
    public async Task Proxy_routes_upload_a_stream_and_download_a_stream_at_the_Kiota_level()
    {
        var upload = Exchange("0115");
        var download = Exchange("0123");
        var handler = new ReplayHandler().Expect(upload).Expect(download);
        using var client = Clients.Over(handler);
        const string path = "1/977a7df01a09461b8bbd890ce1ca605e/artifacts/notes/readme.txt";
        var artifacts = client.Api.Api.V20.MlflowArtifacts.Artifacts[path];
        await artifacts.PutAsync(new MemoryStream(WireExchange.RawBytes(upload.Request)));
        await using var stream = (await artifacts.GetAsync())!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        AssertReplayed(handler);
        Assert.Equal(Encoding.UTF8.GetString(WireExchange.RawBytes(download.Response)), text);
        Assert.Equal(Encoding.UTF8.GetString(WireExchange.RawBytes(upload.Request)), handler.Requests[0].Body);
    }

    [Fact]
    public async Task Errors_surface_as_MLflow_exceptions()
    {
        var handler = new ReplayHandler().Expect(Exchange("0008"));
        using var client = Clients.Over(handler);
        var ex = await Assert.ThrowsAnyAsync<MlflowException>(() => client.CreateExperimentAsync("wire-exp-main"));
        Assert.Equal(MlflowErrorCode.ResourceAlreadyExists, ex.ErrorCode);
        AssertReplayed(handler);
    }
}
