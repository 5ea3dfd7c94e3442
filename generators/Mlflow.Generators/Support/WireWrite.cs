namespace __NS__.Serialization
{
    /// <summary>Writers used by the generated models for values Kiota's JSON writer cannot write as MLflow expects.</summary>
    internal static class WireWrite
    {
        /// <summary>The wire text of a double that JSON numbers cannot carry.</summary>
        public static string? NonFinite(double value) =>
            double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "Infinity" : double.IsNegativeInfinity(value) ? "-Infinity" : null;

        /// <summary>Writes a double; NaN and infinities are written as the strings MLflow accepts (JSON numbers cannot carry them).</summary>
        public static void Double(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer, string key, double? value)
        {
            if (value is double d)
            {
                if (NonFinite(d) is string text)
                {
                    writer.WriteStringValue(key, text);
                }
                else if (Json(writer) is global::System.Text.Json.Utf8JsonWriter json)
                {
                    Name(json, key);
                    json.WriteNumberValue(d);
                }
                else
                {
                    writer.WriteDoubleValue(key, d);
                }
            }
        }

        /// <summary>Writes a string (as Kiota's JSON writer does, straight to its Utf8JsonWriter: same escaping).</summary>
        public static void String(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer, string key, string? value)
        {
            if (value != null)
            {
                if (Json(writer) is global::System.Text.Json.Utf8JsonWriter json)
                {
                    Name(json, key);
                    json.WriteStringValue(value);
                }
                else
                {
                    writer.WriteStringValue(key, value);
                }
            }
        }

        /// <summary>Writes an int64 (as Kiota's JSON writer does, without boxing the value).</summary>
        public static void Int64(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer, string key, long? value)
        {
            if (value is long l)
            {
                if (Json(writer) is global::System.Text.Json.Utf8JsonWriter json)
                {
                    Name(json, key);
                    json.WriteNumberValue(l);
                }
                else
                {
                    writer.WriteLongValue(key, l);
                }
            }
        }

        /// <summary>Writes an int32 (as Kiota's JSON writer does, without boxing the value).</summary>
        public static void Int32(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer, string key, int? value)
        {
            if (value is int i)
            {
                if (Json(writer) is global::System.Text.Json.Utf8JsonWriter json)
                {
                    Name(json, key);
                    json.WriteNumberValue(i);
                }
                else
                {
                    writer.WriteIntValue(key, i);
                }
            }
        }

        /// <summary>Writes a boolean (as Kiota's JSON writer does, without boxing the value).</summary>
        public static void Boolean(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer, string key, bool? value)
        {
            if (value is bool b)
            {
                if (Json(writer) is global::System.Text.Json.Utf8JsonWriter json)
                {
                    Name(json, key);
                    json.WriteBooleanValue(b);
                }
                else
                {
                    writer.WriteBoolValue(key, b);
                }
            }
        }

        /// <summary>Writes a nested message (as Kiota's WriteObjectValue does, without its per-call allocations).</summary>
        public static void Object<T>(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer, string key, T? value)
            where T : class, global::Microsoft.Kiota.Abstractions.Serialization.IParsable
        {
            if (value == null)
            {
                return;
            }

            if (PlainJson(writer) is global::Microsoft.Kiota.Serialization.Json.JsonSerializationWriter json && IsPlainModel(value))
            {
                Name(json.writer, key);
                json.writer.WriteStartObject();
                value.Serialize(json);
                json.writer.WriteEndObject();
            }
            else
            {
                writer.WriteObjectValue<T>(key, value);
            }
        }

        /// <summary>Writes an array of messages (as Kiota's WriteCollectionOfObjectValues does, without its per-item allocations).</summary>
        public static void Objects<T>(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer, string key, global::System.Collections.Generic.List<T>? values)
            where T : class, global::Microsoft.Kiota.Abstractions.Serialization.IParsable
        {
            if (values == null)
            {
                return;
            }

            if (!(PlainJson(writer) is global::Microsoft.Kiota.Serialization.Json.JsonSerializationWriter json))
            {
                writer.WriteCollectionOfObjectValues<T>(key, values);
                return;
            }

            Name(json.writer, key);
            json.writer.WriteStartArray();
            foreach (var item in values)
            {
                if (item == null)
                {
                    continue; // Kiota writes nothing for a null item
                }

                if (IsPlainModel(item))
                {
                    json.writer.WriteStartObject();
                    item.Serialize(json);
                    json.writer.WriteEndObject();
                }
                else
                {
                    json.WriteObjectValue<T>(null, item);
                }
            }

            json.writer.WriteEndArray();
        }

        // Kiota's own JSON writer (not a subclass, which may re-implement the interface): its Utf8JsonWriter is public,
        // and writing numbers through it gives the bytes Kiota writes (its serializer context uses strict number
        // handling and the writer's own encoder) without boxing each value.
        private static global::System.Text.Json.Utf8JsonWriter? Json(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer) =>
            writer.GetType() == typeof(global::Microsoft.Kiota.Serialization.Json.JsonSerializationWriter)
                ? ((global::Microsoft.Kiota.Serialization.Json.JsonSerializationWriter)writer).writer
                : null;

        // ... and without serialization hooks (a backing store sets them), so that writing an object is only
        // start object, Serialize, end object.
        private static global::Microsoft.Kiota.Serialization.Json.JsonSerializationWriter? PlainJson(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer) =>
            writer.GetType() == typeof(global::Microsoft.Kiota.Serialization.Json.JsonSerializationWriter)
            && writer.OnBeforeObjectSerialization == null && writer.OnStartObjectSerialization == null && writer.OnAfterObjectSerialization == null
                ? (global::Microsoft.Kiota.Serialization.Json.JsonSerializationWriter)writer
                : null;

        // As Kiota: no property name for a null or empty key.
        private static void Name(global::System.Text.Json.Utf8JsonWriter json, string key)
        {
            if (!string.IsNullOrEmpty(key))
            {
                json.WritePropertyName(key);
            }
        }

        private static bool IsPlainModel(global::Microsoft.Kiota.Abstractions.Serialization.IParsable value) =>
            !(value is global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode) && !(value is global::Microsoft.Kiota.Abstractions.Serialization.IComposedTypeWrapper);

        /// <summary>Writes a timestamp as RFC 3339 in UTC with a 'Z' suffix (the form protobuf's JSON mapping emits).</summary>
        public static void DateTime(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer, string key, global::System.DateTimeOffset? value)
        {
            if (value is global::System.DateTimeOffset d)
            {
                writer.WriteStringValue(key, FormatDateTime(d));
            }
        }

        public static string FormatDateTime(global::System.DateTimeOffset value) =>
            value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", global::System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>Writes a list of primitives converted to untyped JSON values.</summary>
        public static void List<T>(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer, string key, global::System.Collections.Generic.IEnumerable<T>? values, global::System.Func<T, global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode> convert)
        {
            if (values == null)
            {
                return;
            }

            var items = new global::System.Collections.Generic.List<global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode>();
            foreach (var v in values)
            {
                items.Add(convert(v));
            }

            writer.WriteObjectValue(key, new global::Microsoft.Kiota.Abstractions.Serialization.UntypedArray(items));
        }

        /// <summary>Writes a map; each value is written by <paramref name="write"/>.</summary>
        public static void Map<T>(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer, string key, global::System.Collections.Generic.IDictionary<string, T>? values, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter, string, T> write)
        {
            if (values != null)
            {
                writer.WriteObjectValue(key, new MapWriter<T>(values, write));
            }
        }

        // ---- value -> untyped JSON (for lists and maps)

        public static global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode Untyped(string value) => new global::Microsoft.Kiota.Abstractions.Serialization.UntypedString(value);

        public static global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode Untyped(bool value) => new global::Microsoft.Kiota.Abstractions.Serialization.UntypedBoolean(value);

        public static global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode Untyped(int value) => new global::Microsoft.Kiota.Abstractions.Serialization.UntypedInteger(value);

        public static global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode Untyped(long value) => new global::Microsoft.Kiota.Abstractions.Serialization.UntypedLong(value);

        public static global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode Untyped(double value) =>
            NonFinite(value) is string text
                ? new global::Microsoft.Kiota.Abstractions.Serialization.UntypedString(text)
                : new global::Microsoft.Kiota.Abstractions.Serialization.UntypedDouble(value);

        public static global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode Untyped(global::System.DateTimeOffset value) => new global::Microsoft.Kiota.Abstractions.Serialization.UntypedString(FormatDateTime(value));

        public static global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode Untyped(byte[] value) => new global::Microsoft.Kiota.Abstractions.Serialization.UntypedString(global::System.Convert.ToBase64String(value));

        public static global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode Untyped(global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode value) => value;

        private sealed class MapWriter<T> : global::Microsoft.Kiota.Abstractions.Serialization.IParsable
        {
            private readonly global::System.Collections.Generic.IDictionary<string, T> _values;
            private readonly global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter, string, T> _write;

            public MapWriter(global::System.Collections.Generic.IDictionary<string, T> values, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter, string, T> write)
            {
                _values = values;
                _write = write;
            }

            public global::System.Collections.Generic.IDictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> GetFieldDeserializers() =>
                new global::System.Collections.Generic.Dictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>();

            public void Serialize(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer)
            {
                foreach (var entry in _values)
                {
                    _write(writer, entry.Key, entry.Value);
                }
            }
        }
    }
}
