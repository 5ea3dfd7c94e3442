using System.Net;
using System.Text.Json;
using Mlflow.Client.Tests.Infrastructure;

namespace Mlflow.Client.Tests;

/// <summary>The generated Kiota-level client over the runtime: recorded answers parse, errors and TryGet helpers behave.</summary>
public class KiotaClientTests
{
    private static string RecordedBody(string file)
    {
        using var doc = Wire.Load(file);
        return doc.RootElement.GetProperty("response").GetProperty("raw_body").GetString()!;
    }

    private static string RecordedRequestPath(string file)
    {
        using var doc = Wire.Load(file);
        return doc.RootElement.GetProperty("request").GetProperty("path").GetString()!;
    }

    [Fact]
    public async Task Api_sends_through_the_pipeline_and_keeps_the_prefix()
    {
        var handler = new ScriptedHandler().Respond(HttpStatusCode.OK, RecordedBody("exchanges/experiments/0013-get-default-experiment.json"));
        using var client = Clients.Create(handler, uri: "https://host/mlflow/");
        var response = await client.Api.Api.V20.Mlflow.Experiments.Get.GetAsync(c => c.QueryParameters.ExperimentId = "0");
        Assert.Equal("0", response!.Experiment!.ExperimentId);
        Assert.Equal("https://host/mlflow/api/2.0/mlflow/experiments/get?experiment_id=0", Assert.Single(handler.Attempts).Uri.ToString());
        Assert.Same(client.Api, client.Api);
    }

    [Fact]
    public async Task TryGetExperimentByName_returns_the_experiment_or_null()
    {
        var handler = new ScriptedHandler()
            .Respond(HttpStatusCode.OK, RecordedBody("exchanges/experiments/0013-get-default-experiment.json"))
            .Respond(HttpStatusCode.NotFound, RecordedBody("exchanges/experiments/0018-err-get-by-name-unknown.json"));
        using var client = Clients.Create(handler);
        var found = await client.GetExperimentByNameAsync("Default");
        Assert.Equal("Default", found!.Name);
        Assert.Null(await client.GetExperimentByNameAsync("no such experiment"));
        Assert.Equal("/api/2.0/mlflow/experiments/get-by-name", handler.Attempts[1].Uri.AbsolutePath);
        Assert.Equal("?experiment_name=no%20such%20experiment", handler.Attempts[1].Uri.Query);
    }

    [Fact]
    public async Task TryGet_helpers_return_null_on_recorded_not_found_answers()
    {
        var handler = new ScriptedHandler()
            .Respond(HttpStatusCode.NotFound, RecordedBody("exchanges/experiments/0014-err-get-unknown-id.json"))
            .Respond(HttpStatusCode.NotFound, RecordedBody("exchanges/registry/0208-err-get-unknown.json"))
            .Respond(HttpStatusCode.OK, RecordedBody("exchanges/runs/0046-get-run.json"))
            .Respond(HttpStatusCode.OK, RecordedBody("exchanges/registry/0207-get-registered-model.json"));
        using var client = Clients.Create(handler);
        Assert.Null(await client.TryGetExperimentAsync("424242"));
        Assert.Null(await client.TryGetRegisteredModelAsync("missing"));
        Assert.NotNull((await client.TryGetRunAsync("r"))!.Info);
        Assert.NotNull((await client.TryGetRegisteredModelAsync("m"))!.Name);
        Assert.Equal(RecordedRequestPath("exchanges/runs/0046-get-run.json"), handler.Attempts[2].Uri.AbsolutePath);
    }

    [Fact]
    public async Task TryGet_helpers_let_other_errors_through()
    {
        var handler = new ScriptedHandler().Respond(HttpStatusCode.Forbidden, RecordedBody("exchanges/auth/0622-err-bob-reads-experiment-no-permissions.json"), "text/html; charset=utf-8");
        using var client = Clients.Create(handler);
        var ex = await Assert.ThrowsAsync<MlflowPermissionDeniedException>(() => client.TryGetExperimentAsync("1"));
        Assert.Equal("Permission denied", ex.ServerMessage);
    }

    [Fact]
    public async Task Error_json_is_available_on_the_exception()
    {
        var handler = new ScriptedHandler().Respond(HttpStatusCode.BadRequest, RecordedBody("exchanges/experiments/0015-err-get-non-numeric-id.json"));
        using var client = Clients.Create(handler);
        var ex = await Assert.ThrowsAsync<MlflowBadRequestException>(() => client.Api.Api.V20.Mlflow.Experiments.Get.GetAsync(c => c.QueryParameters.ExperimentId = "abc"));
        Assert.Equal(MlflowErrorCode.InvalidParameterValue, ex.ErrorCode);
        Assert.Equal(JsonValueKind.Object, ex.ErrorJson!.Value.ValueKind);
        Assert.Equal("INVALID_PARAMETER_VALUE", ex.ErrorJson.Value.GetProperty("error_code").GetString());
    }
}
