using System.Text;
using System.Text.Json;

namespace Mlflow.Benchmarks;

/// <summary>
/// Response bodies in the exact shape the MLflow server writes (pretty-printed proto JSON, snake_case, int64 as
/// numbers, metric values possibly "NaN"), built from the recorded search-runs / get-history exchanges' layout.
/// </summary>
public static class Payloads
{
    public static readonly byte[] Empty = Encoding.UTF8.GetBytes("{}");

    public static byte[] SearchRunsPage(int runs)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("runs");
            for (var i = 0; i < runs; i++)
            {
                var id = i.ToString("x32");
                w.WriteStartObject();
                w.WriteStartObject("info");
                w.WriteString("run_uuid", id);
                w.WriteString("experiment_id", "1");
                w.WriteString("run_name", $"wire-run-{i}");
                w.WriteString("user_id", "alice");
                w.WriteString("status", i % 3 == 0 ? "FINISHED" : "RUNNING");
                w.WriteNumber("start_time", 1795386972503L + i);
                if (i % 3 == 0) w.WriteNumber("end_time", 1795386982503L + i);
                w.WriteString("artifact_uri", $"mlflow-artifacts:/1/{id}/artifacts");
                w.WriteString("lifecycle_stage", "active");
                w.WriteString("run_id", id);
                w.WriteEndObject();
                w.WriteStartObject("data");
                w.WriteStartArray("metrics");
                string[] keys = ["acc", "loss", "f1", "precision", "recall"];
                for (var m = 0; m < keys.Length; m++)
                {
                    w.WriteStartObject();
                    w.WriteString("key", keys[m]);
                    if (m == 4 && i % 50 == 0) w.WriteString("value", "NaN"); else w.WriteNumber("value", 0.5 + (m * 0.01) + (i * 1e-6));
                    w.WriteNumber("timestamp", 1795386973184L + i);
                    w.WriteNumber("step", m);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("params");
                foreach (var (k, v) in new[] { ("lr", "0.01"), ("epochs", "3"), ("optimizer", "adam"), ("batch_size", "64"), ("seed", "42") })
                {
                    w.WriteStartObject();
                    w.WriteString("key", k);
                    w.WriteString("value", v);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("tags");
                foreach (var (k, v) in new[] { ("mlflow.user", "alice"), ("mlflow.runName", $"wire-run-{i}"), ("mlflow.source.type", "LOCAL"), ("mlflow.source.name", "train.py"), ("team", "ml") })
                {
                    w.WriteStartObject();
                    w.WriteString("key", k);
                    w.WriteString("value", v);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteStartObject("inputs");
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("next_page_token", "eyJvZmZzZXQiOiAxMDAwfQ==");
            w.WriteEndObject();
        }

        return stream.ToArray();
    }

    public static byte[] MetricHistory(int points)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("metrics");
            for (var i = 0; i < points; i++)
            {
                w.WriteStartObject();
                w.WriteString("key", "loss");
                w.WriteNumber("value", 1.0 / (i + 1));
                w.WriteNumber("timestamp", 1795386973184L + i);
                w.WriteNumber("step", i);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return stream.ToArray();
    }
}
