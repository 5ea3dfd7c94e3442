using System.Text;
using Microsoft.Kiota.Abstractions;
using Mlflow.Generators.Tests.Harness;

namespace Mlflow.Generators.Tests;

/// <summary>Specs/builders.openapi.json: request builders, URL templates, bodies, streams, errors, naming.</summary>
public sealed class BuilderTests
{
    private static readonly Lazy<GeneratorHarness.Result> Result = new(() => GeneratorHarness.RunSmall("builders.openapi.json"));
    private static readonly Lazy<Generated> Client = new(() => new Generated(Result.Value.Load()));

    [Fact]
    public void Output_compiles_without_warnings()
    {
        Result.Value.AssertCleanCompile();
    }

    [Theory]
    [InlineData("Mlflow.Client.MlflowApiClient.g.cs")]
    [InlineData("Mlflow.Client.Api.V20.Mlflow.Runs.Search.SearchRequestBuilder.g.cs")]
    [InlineData("Mlflow.Client.Api.V20.Mlflow.RegisteredModels.Delete.DeleteRequestBuilder.g.cs")]
    [InlineData("Mlflow.Client.Api.V20.MlflowArtifacts.Artifacts.Item.WithArtifactPathItemRequestBuilder.g.cs")]
    [InlineData("Mlflow.Client.Api.V20.Mlflow.Webhooks.WebhooksRequestBuilder.g.cs")]
    [InlineData("Mlflow.Client.Api.V20.Mlflow.Webhooks.Item.WithWebhookIdItemRequestBuilder.g.cs")]
    [InlineData("Mlflow.Client.Gateway.Gemini.V1beta.Models.WithEndpointNameGenerateContent.WithEndpointNameGenerateContentRequestBuilder.g.cs")]
    [InlineData("Mlflow.Client.AjaxApi.V30.Jobs.Slash.SlashRequestBuilder.g.cs")]
    [InlineData("Mlflow.Client.MlflowOperations.g.cs")]
    public void Emitted_text_matches_snapshot(string hintName)
    {
        Snapshot.Match(Result.Value.File(hintName), "builders", hintName);
    }

    [Fact]
    public void Root_client_registers_serializers_and_defaults_the_base_url()
    {
        var root = Result.Value.File("Mlflow.Client.MlflowApiClient.g.cs");
        Assert.Contains("RegisterDefaultSerializer<global::Microsoft.Kiota.Serialization.Json.JsonSerializationWriterFactory>", root, StringComparison.Ordinal);
        Assert.Contains("RegisterDefaultDeserializer<global::Microsoft.Kiota.Serialization.Text.TextParseNodeFactory>", root, StringComparison.Ordinal);
        Assert.Contains("RequestAdapter.BaseUrl = \"http://localhost:5000\";", root, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_with_exploded_repeated_query_parameters()
    {
        var builder = Client.Value.Navigate("Api", "V20", "Mlflow", "Runs", "Search");
        var request = Client.Value.Build("searchRunsGet", query: new[]
        {
            Pair("experiment_ids", "1"), Pair("experiment_ids", "2"), Pair("max_results", "5"), Pair("start_time", "1795386972503"),
            Pair("include_deleted", "true"), Pair("view_type", "DELETED_ONLY"), Pair("order_by", "start_time DESC"), Pair("trace_location.id", "x/y"),
        });
        Assert.Equal(Method.GET, request.HttpMethod);
        Assert.Equal(
            "http://mlflow.test/prefix/api/2.0/mlflow/runs/search?experiment_ids=1&experiment_ids=2&max_results=5&start_time=1795386972503&include_deleted=true&view_type=DELETED_ONLY&order_by=start_time%20DESC&trace_location.id=x%2Fy",
            request.URI.AbsoluteUri);
        Assert.Equal("{+baseurl}/api/2.0/mlflow/runs/search{?experiment_ids*,max_results,start_time,include_deleted,view_type,order_by*,trace_location%2Eid}", request.UrlTemplate);
        Assert.NotNull(builder);
    }

    [Fact]
    public void Post_sends_the_model_as_json()
    {
        var bodyType = Client.Value.Type("Mlflow.Client.Models.SearchRuns");
        var body = Activator.CreateInstance(bodyType)!;
        bodyType.GetProperty("ExperimentIds")!.SetValue(body, new List<string> { "1" });
        bodyType.GetProperty("MaxResults")!.SetValue(body, 10);
        var request = Generated.ToRequest(Client.Value.Navigate("Api", "V20", "Mlflow", "Runs", "Search"), "Post", body);
        Assert.Equal(Method.POST, request.HttpMethod);
        Assert.Equal("application/json", request.Headers["Content-Type"].Single());
        Assert.Equal("""{"experiment_ids":["1"],"max_results":10}""", Generated.Content(request));
    }

    [Fact]
    public void Delete_carries_a_json_body_and_maps_errors()
    {
        var bodyType = Client.Value.Type("Mlflow.Client.Models.DeleteRegisteredModel");
        var body = Activator.CreateInstance(bodyType)!;
        bodyType.GetProperty("Name")!.SetValue(body, "m");
        var request = Client.Value.Build("deleteRegisteredModel", body: body);
        Assert.Equal(Method.DELETE, request.HttpMethod);
        Assert.Equal("""{"name":"m"}""", Generated.Content(request));
        var errors = (IReadOnlyDictionary<string, Microsoft.Kiota.Abstractions.Serialization.ParsableFactory<Microsoft.Kiota.Abstractions.Serialization.IParsable>>)Client.Value.Operation("deleteRegisteredModel").ErrorMapping;
        Assert.Equal(new[] { "404", "XXX" }, errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Artifact_paths_keep_their_slashes_and_upload_raw_bytes()
    {
        var builder = Client.Value.Navigate("Api", "V20", "MlflowArtifacts", "Artifacts", "[1/abc/artifacts/dir/file name.txt]");
        var bytes = Encoding.UTF8.GetBytes("hello");
        var request = Generated.ToRequest(builder, "Put", new MemoryStream(bytes));
        Assert.Equal("http://mlflow.test/prefix/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/dir/file%20name.txt", request.URI.AbsoluteUri);
        Assert.Equal("application/octet-stream", request.Headers["Content-Type"].Single());
        Assert.Equal("hello", Generated.Content(request));
        var download = Generated.ToRequest(builder, "Get");
        Assert.Equal("application/octet-stream, text/plain", download.Headers["Accept"].Single());
        var getAsync = builder.GetType().GetMethod("GetAsync")!;
        Assert.Equal(typeof(Task<Stream>), getAsync.ReturnType);
        Assert.Equal(typeof(CancellationToken), getAsync.GetParameters().Last().ParameterType);
    }

    [Fact]
    public void Path_parameters_are_indexers_and_escaped()
    {
        var request = Generated.ToRequest(Client.Value.Navigate("Api", "V20", "Mlflow", "Webhooks", "[a/b c]"), "Delete");
        Assert.Equal("http://mlflow.test/prefix/api/2.0/mlflow/webhooks/a%2Fb%20c", request.URI.AbsoluteUri);
        var deleteAsync = Client.Value.Navigate("Api", "V20", "Mlflow", "Webhooks", "[w]").GetType().GetMethod("DeleteAsync")!;
        Assert.Equal(typeof(Task), deleteAsync.ReturnType);
    }

    [Fact]
    public void Parameters_with_different_names_at_one_position_share_a_builder()
    {
        var tags = Generated.ToRequest(Client.Value.Navigate("Api", "V30", "Mlflow", "Traces", "[tr-1]", "Tags"), "Delete");
        Assert.Equal("http://mlflow.test/prefix/api/3.0/mlflow/traces/tr-1/tags", tags.URI.AbsoluteUri);
        var request = Client.Value.Build("createAssessment", path: new Dictionary<string, string> { ["assessment.trace_id"] = "tr-2" }, body: new Microsoft.Kiota.Abstractions.Serialization.UntypedObject(new Dictionary<string, Microsoft.Kiota.Abstractions.Serialization.UntypedNode>()));
        Assert.Equal("http://mlflow.test/prefix/api/3.0/mlflow/traces/tr-2/assessments", request.URI.AbsoluteUri);
        Assert.Equal("{}", Generated.Content(request));
    }

    [Fact]
    public void Odd_segments_get_deterministic_names()
    {
        var gemini = Generated.ToRequest(Client.Value.Navigate("Gateway", "Gemini", "V1beta", "Models", "WithEndpointNameGenerateContent(chat)"), "Post", new Microsoft.Kiota.Abstractions.Serialization.UntypedObject(new Dictionary<string, Microsoft.Kiota.Abstractions.Serialization.UntypedNode>()));
        Assert.Equal("http://mlflow.test/prefix/gateway/gemini/v1beta/models/chat:generateContent", gemini.URI.AbsoluteUri);
        var jobs = Generated.ToRequest(Client.Value.Navigate("AjaxApi", "V30", "Jobs", "Slash"), "Post", Activator.CreateInstance(Client.Value.Type("Mlflow.Client.Models.Empty")));
        Assert.Equal("http://mlflow.test/prefix/ajax-api/3.0/jobs/", jobs.URI.AbsoluteUri);
        var colon = Generated.ToRequest(Client.Value.Navigate("Api", "V20", "Mlflow", "UnityCatalog", "RegisteredModelsIsEnabled"), "Get");
        Assert.Equal("http://mlflow.test/prefix/api/2.0/mlflow/unity-catalog/registered-models:is-enabled", colon.URI.AbsoluteUri);
        var history = Generated.ToRequest(Client.Value.Navigate("Api", "V20", "Mlflow", "Metrics", "GetHistory"), "Get");
        Assert.Equal("http://mlflow.test/prefix/api/2.0/mlflow/metrics/get-history", history.URI.AbsoluteUri);
        // Segments named like builder members get a "Path" suffix.
        var clash = Generated.ToRequest(Client.Value.Navigate("V1", "WithUrlPath", "GetAsyncPath"), "Get");
        Assert.Equal("http://mlflow.test/prefix/v1/with-url/get-async", clash.URI.AbsoluteUri);
    }

    [Fact]
    public void Webhooks_are_parsed_but_emit_no_builder()
    {
        Assert.DoesNotContain(Result.Value.Files.Keys, k => k.Contains("RegisteredModelCreated", StringComparison.Ordinal));
        Assert.DoesNotContain(Result.Value.GeneratorDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }

    private static KeyValuePair<string, string> Pair(string key, string value) => new(key, value);
}
