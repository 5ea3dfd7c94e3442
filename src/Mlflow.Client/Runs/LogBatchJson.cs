using System.Buffers;
using System.Text.Json;

namespace Mlflow;

/// <summary>
/// Writes a log-batch body straight from the background logger's entries (no intermediate models): the wire form the
/// generated client writes, with MLflow's <c>"NaN"</c> / <c>"Infinity"</c> / <c>"-Infinity"</c> strings for
/// non-finite values and empty kinds left out.
/// </summary>
internal static class LogBatchJson
{
    public static byte[] Write(string runId, List<BackgroundLogger.Entry> entries)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + entries.Count * 96);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("run_id"u8, runId);
            WriteKind(json, entries, BackgroundLogger.EntryKind.Metric, "metrics"u8);
            WriteKind(json, entries, BackgroundLogger.EntryKind.Param, "params"u8);
            WriteKind(json, entries, BackgroundLogger.EntryKind.Tag, "tags"u8);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteKind(Utf8JsonWriter json, List<BackgroundLogger.Entry> entries, BackgroundLogger.EntryKind kind, ReadOnlySpan<byte> name)
    {
        var started = false;
        foreach (var entry in entries)
        {
            if (entry.Kind != kind) continue;
            if (!started)
            {
                json.WriteStartArray(name);
                started = true;
            }
            json.WriteStartObject();
            json.WriteString("key"u8, entry.Key);
            if (kind == BackgroundLogger.EntryKind.Metric)
            {
                var value = entry.Value;
                if (double.IsNaN(value)) json.WriteString("value"u8, "NaN"u8);
                else if (double.IsPositiveInfinity(value)) json.WriteString("value"u8, "Infinity"u8);
                else if (double.IsNegativeInfinity(value)) json.WriteString("value"u8, "-Infinity"u8);
                else json.WriteNumber("value"u8, value);
                json.WriteNumber("timestamp"u8, entry.Timestamp);
                json.WriteNumber("step"u8, entry.Step);
                if (entry.DatasetName is not null) json.WriteString("dataset_name"u8, entry.DatasetName);
                if (entry.DatasetDigest is not null) json.WriteString("dataset_digest"u8, entry.DatasetDigest);
                if (entry.ModelId is not null) json.WriteString("model_id"u8, entry.ModelId);
            }
            else
            {
                json.WriteString("value"u8, entry.Text);
            }
            json.WriteEndObject();
        }
        if (started) json.WriteEndArray();
    }
}
