using System.Text.Json.Nodes;
using Mlflow.Contract.Tests.Infrastructure;

namespace Mlflow.Contract.Tests.Wire;

/// <summary>Tracking on the wire: MLflow's name rules and value limits, log-batch limits, metric history, inputs and outputs, log-model.</summary>
public sealed class TrackingWireTests(TrackingServer server) : WireContract(server)
{
    [Fact]
    public async Task Metric_param_and_tag_names_follow_mlflows_rules()
    {
        var run = await NewRun(await NewExperiment("wire-names"));
        var now = Now();

        var badChars = await Fails(Http.PostAsync("/api/2.0/mlflow/runs/log-metric", new { run_id = run, key = "loss@epoch!", value = 1.0, timestamp = now }), 400, "INVALID_PARAMETER_VALUE");
        Assert.Contains("\"loss@epoch!\"", badChars);
        Assert.Contains("Names may only contain alphanumerics", badChars);
        var escapes = await Fails(Http.PostAsync("/api/2.0/mlflow/runs/log-parameter", new { run_id = run, key = "../up", value = "1" }), 400, "INVALID_PARAMETER_VALUE");
        Assert.Contains("must not resolve to other names", escapes);
        Assert.Contains("'../up'", escapes);
        await Fails(Http.PostAsync("/api/2.0/mlflow/runs/set-tag", new { run_id = run, key = "/absolute", value = "x" }), 400, "INVALID_PARAMETER_VALUE");
        await Fails(Http.PostAsync("/api/2.0/mlflow/runs/log-parameter", new { run_id = run, key = "a/./b", value = "1" }), 400, "INVALID_PARAMETER_VALUE");
        await Fails(Http.PostAsync("/api/2.0/mlflow/runs/log-metric", new { run_id = run, key = "m", value = 1.0, timestamp = -1 }), 400, "INVALID_PARAMETER_VALUE");

        // A batch is checked whole before anything is kept: the good param of a batch with a bad metric name is not logged.
        var batch = await Fails(Http.PostAsync("/api/2.0/mlflow/runs/log-batch", new
        {
            run_id = run,
            metrics = new[] { new { key = "ok", value = 1.0, timestamp = now, step = 0L }, new { key = "not ok!", value = 1.0, timestamp = now, step = 0L } },
            @params = new[] { new { key = "kept?", value = "no" } },
        }), 400, "INVALID_PARAMETER_VALUE");
        Assert.Contains("metrics[1]", batch);
        var untouched = await GetRun(run);
        Assert.Empty(Items(untouched["data"], "params"));
        Assert.Empty(Items(untouched["data"], "metrics"));

        // Letters, digits, _ - . / spaces and colons are fine.
        await Ok(Http.PostAsync("/api/2.0/mlflow/runs/log-metric", new { run_id = run, key = "val/loss: epoch-1.x_y", value = 0.5, timestamp = now }));
        await Ok(Http.PostAsync("/api/2.0/mlflow/runs/log-parameter", new { run_id = run, key = "optimizer/lr", value = "0.1" }));
        var logged = await GetRun(run);
        Assert.Equal("val/loss: epoch-1.x_y", (string?)Items(logged["data"], "metrics").Single()["key"]);
        Assert.Equal("0.1", Tag(logged["data"], "optimizer/lr", "params"));
    }

    [Fact]
    public async Task Over_long_values_are_cut_or_refused_as_mlflow_does()
    {
        var experiment = await NewExperiment("wire-lengths");
        var run = await NewRun(experiment);

        // Param values are cut to 6000 characters (log-parameter and log-batch alike), run tag values to 8000.
        await Ok(Http.PostAsync("/api/2.0/mlflow/runs/log-parameter", new { run_id = run, key = "long", value = new string('x', 6001) }));
        await Ok(Http.PostAsync("/api/2.0/mlflow/runs/log-batch", new { run_id = run, @params = new[] { new { key = "long2", value = new string('y', 6500) } } }));
        await Ok(Http.PostAsync("/api/2.0/mlflow/runs/set-tag", new { run_id = run, key = "note", value = new string('z', 8001) }));
        var data = (await GetRun(run))["data"];
        Assert.Equal(new string('x', 6000), Tag(data, "long", "params"));
        Assert.Equal(new string('y', 6000), Tag(data, "long2", "params"));
        Assert.Equal(new string('z', 8000), Tag(data, "note"));
        // The same over-long value again is the same param; a different one is a change, which MLflow refuses.
        await Ok(Http.PostAsync("/api/2.0/mlflow/runs/log-parameter", new { run_id = run, key = "long", value = new string('x', 6002) }));
        var changed = await Fails(Http.PostAsync("/api/2.0/mlflow/runs/log-parameter", new { run_id = run, key = "long", value = "short" }), 400, "INVALID_PARAMETER_VALUE");
        Assert.StartsWith("Changing param values is not allowed. Param with key='long'", changed);

        // Experiment tag values and keys have hard limits.
        var tooLong = await Fails(Http.PostAsync("/api/2.0/mlflow/experiments/set-experiment-tag", new { experiment_id = experiment, key = "k", value = new string('v', 5001) }), 400, "INVALID_PARAMETER_VALUE");
        Assert.Contains("exceeds the maximum length of 5000", tooLong);
        await Fails(Http.PostAsync("/api/2.0/mlflow/runs/log-parameter", new { run_id = run, key = new string('k', 251), value = "1" }), 400, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Log_batch_limits_and_duplicate_params_are_refused_with_mlflows_messages()
    {
        var run = await NewRun(await NewExperiment("wire-batch"));
        var now = Now();
        object Metrics(int n) => Enumerable.Range(0, n).Select(i => new { key = "m", value = (double)i, timestamp = now, step = (long)i }).ToArray();

        Assert.Equal(
            "A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up metrics across multiple requests and try again.",
            await Fails(Http.PostAsync("/api/2.0/mlflow/runs/log-batch", new { run_id = run, metrics = Metrics(1001) }), 400, "INVALID_PARAMETER_VALUE"));
        Assert.Equal(
            "A batch logging request can contain at most 100 params. Got 101 params. Please split up params across multiple requests and try again.",
            await Fails(Http.PostAsync("/api/2.0/mlflow/runs/log-batch", new { run_id = run, @params = Enumerable.Range(0, 101).Select(i => new { key = $"p{i}", value = "1" }) }), 400, "INVALID_PARAMETER_VALUE"));
        Assert.Equal(
            "A batch logging request can contain at most 1000 metrics, params, and tags. Got 1001 metrics, params, and tags. Please split up metrics, params, and tags across multiple requests and try again.",
            await Fails(Http.PostAsync("/api/2.0/mlflow/runs/log-batch", new { run_id = run, metrics = Metrics(1000), tags = new[] { new { key = "t", value = "1" } } }), 400, "INVALID_PARAMETER_VALUE"));
        var duplicate = await Fails(Http.PostAsync("/api/2.0/mlflow/runs/log-batch", new { run_id = run, @params = new[] { new { key = "a", value = "1" }, new { key = "a", value = "2" } } }), 400, "INVALID_PARAMETER_VALUE");
        Assert.Contains("Duplicate parameter keys have been submitted: ['a']", duplicate);
        await Fails(Http.PostAsync("/api/2.0/mlflow/runs/log-batch", new { run_id = run, metrics = new[] { new { key = "m", value = 1.0 } } }), 400, "INVALID_PARAMETER_VALUE");

        // At the limit it is fine, and everything arrives.
        await Ok(Http.PostAsync("/api/2.0/mlflow/runs/log-batch", new { run_id = run, metrics = Metrics(1000) }));
        var history = await Ok(Http.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={run}&metric_key=m&max_results=25000"));
        Assert.Equal(1000, Items(history, "metrics").Count);
    }

    [Fact]
    public async Task Metric_history_is_ordered_by_timestamp_then_step_and_keeps_a_repeated_point_once()
    {
        var run = await NewRun(await NewExperiment("wire-history"));
        var t = Now();
        // Logged out of order; the same (value, timestamp, step) twice.
        await Ok(Http.PostAsync("/api/2.0/mlflow/runs/log-metric", new { run_id = run, key = "loss", value = 0.5, timestamp = t + 20, step = 1 }));
        await Ok(Http.PostAsync("/api/2.0/mlflow/runs/log-metric", new { run_id = run, key = "loss", value = 0.9, timestamp = t + 10, step = 2 }));
        await Ok(Http.PostAsync("/api/2.0/mlflow/runs/log-metric", new { run_id = run, key = "loss", value = 0.7, timestamp = t + 10, step = 0 }));
        await Ok(Http.PostAsync("/api/2.0/mlflow/runs/log-metric", new { run_id = run, key = "loss", value = 0.7, timestamp = t + 10, step = 0 }));
        await Ok(Http.PostAsync("/api/2.0/mlflow/runs/log-batch", new { run_id = run, metrics = new[] { new { key = "loss", value = 0.5, timestamp = t + 20, step = 1L } } }));

        var history = Items(await Ok(Http.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={run}&metric_key=loss&max_results=100")), "metrics");
        Assert.Equal([(t + 10, 0L), (t + 10, 2L), (t + 20, 1L)], history.Select(m => ((long)m["timestamp"]!, (long)m["step"]!)));

        // Pages of 2 with a token, the same order.
        var first = await Ok(Http.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={run}&metric_key=loss&max_results=2"));
        Assert.Equal(2, Items(first, "metrics").Count);
        var second = await Ok(Http.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={run}&metric_key=loss&max_results=2&page_token={Q((string)first["next_page_token"]!)}"));
        Assert.Equal(1L, (long)Items(second, "metrics").Single()["step"]!);
        Assert.Null(second["next_page_token"]);

        // The run's value of a metric is its latest by step, then timestamp: step 2 here.
        Assert.Equal(0.9, (double)Items((await GetRun(run))["data"], "metrics").Single()["value"]!);
        // An unknown run or metric has an empty history, not an error.
        Assert.Empty(Items(await Ok(Http.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={run}&metric_key=nope&max_results=10")), "metrics"));
    }

    [Fact]
    public async Task Dataset_inputs_model_outputs_and_search_by_dataset()
    {
        var experiment = await NewExperiment("wire-inputs");
        var training = await NewRun(experiment, name: "training");
        var other = await NewRun(experiment, name: "other");
        var name = TrackingServer.Unique("wire-ds");
        await Ok(Http.PostAsync("/api/2.0/mlflow/runs/log-inputs", new
        {
            run_id = training,
            datasets = new[]
            {
                new
                {
                    tags = new[] { new { key = "mlflow.data.context", value = "training" } },
                    dataset = new { name, digest = "abc123", source_type = "local", source = "{\"uri\": \"file:///tmp/x.csv\"}", schema = "{}", profile = "{\"num_rows\": 3}" },
                },
            },
        }));
        var run = await GetRun(training);
        var input = Items(run["inputs"], "dataset_inputs").Single();
        Assert.Equal(name, (string?)input["dataset"]!["name"]);
        Assert.Equal("training", Tag(input, "mlflow.data.context"));

        var byName = await Ok(Http.PostAsync("/api/2.0/mlflow/runs/search", new { experiment_ids = new[] { experiment }, filter = $"datasets.name = '{name}'" }));
        Assert.Equal([training], Items(byName, "runs").Select(r => (string)r["info"]!["run_id"]!));
        var byContext = await Ok(Http.PostAsync("/api/2.0/mlflow/runs/search", new { experiment_ids = new[] { experiment }, filter = "datasets.context = 'training'" }));
        Assert.Equal([training], Items(byContext, "runs").Select(r => (string)r["info"]!["run_id"]!));

        var summaries = Items(await Ok(Http.PostAsync("/ajax-api/2.0/mlflow/experiments/search-datasets", new { experiment_ids = new[] { experiment } })), "dataset_summaries");
        var summary = Assert.Single(summaries);
        Assert.Equal((experiment, name, "abc123", "training"), ((string)summary["experiment_id"]!, (string)summary["name"]!, (string)summary["digest"]!, (string?)summary["context"]));
        await Fails(Http.PostAsync("/ajax-api/2.0/mlflow/experiments/search-datasets", new { experiment_ids = Array.Empty<string>() }), 400, "INVALID_PARAMETER_VALUE");

        Assert.Empty(Items(Items((await GetRun(other))["inputs"], "dataset_inputs").FirstOrDefault(), "x"));
    }

    [Fact]
    public async Task Log_model_appends_to_the_runs_model_history_tag()
    {
        var run = await NewRun(await NewExperiment("wire-log-model"));
        string Model(string path) => new JsonObject
        {
            ["artifact_path"] = path,
            ["run_id"] = run,
            ["utc_time_created"] = "2026-01-01 00:00:00.000000",
            ["flavors"] = new JsonObject { ["python_function"] = new JsonObject { ["loader_module"] = "contract.fake" } },
        }.ToJsonString();
        await Ok(Http.PostAsync("/api/2.0/mlflow/runs/log-model", new { run_id = run, model_json = Model("model") }));
        await Ok(Http.PostAsync("/api/2.0/mlflow/runs/log-model", new { run_id = run, model_json = Model("model-2") }));
        var history = JsonNode.Parse(Tag((await GetRun(run))["data"], "mlflow.log-model.history")!)!.AsArray();
        Assert.Equal(["model", "model-2"], history.Select(m => (string)m!["artifact_path"]!));

        var missing = await Fails(Http.PostAsync("/api/2.0/mlflow/runs/log-model", new { run_id = run, model_json = "{\"artifact_path\": \"m\"}" }), 400, "INVALID_PARAMETER_VALUE");
        Assert.Contains("Model json is missing mandatory fields", missing);
        await Fails(Http.PostAsync("/api/2.0/mlflow/runs/log-model", new { run_id = run, model_json = "{not json" }), 400, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Deleted_experiments_take_their_runs_along_and_come_back_with_them()
    {
        var experiment = await NewExperiment("wire-lifecycle");
        var run = await NewRun(experiment);
        await Ok(Http.PostAsync("/api/2.0/mlflow/experiments/delete", new { experiment_id = experiment }));
        Assert.Equal("deleted", (string?)(await GetRun(run))["info"]!["lifecycle_stage"]);
        var deleted = await Ok(Http.PostAsync("/api/2.0/mlflow/experiments/search", new { max_results = 1000, view_type = "DELETED_ONLY", filter = $"attribute.experiment_id = '{experiment}'" }));
        Assert.Single(Items(deleted, "experiments"));
        await Fails(Http.PostAsync("/api/2.0/mlflow/runs/create", new { experiment_id = experiment }), 400, "INVALID_PARAMETER_VALUE");

        await Ok(Http.PostAsync("/api/2.0/mlflow/experiments/restore", new { experiment_id = experiment }));
        Assert.Equal("active", (string?)(await GetRun(run))["info"]!["lifecycle_stage"]);
        var restoreActive = await Fails(Http.PostAsync("/api/2.0/mlflow/experiments/restore", new { experiment_id = experiment }), 400, "INVALID_PARAMETER_VALUE");
        Assert.Contains("Cannot restore an active experiment", restoreActive);
    }
}
