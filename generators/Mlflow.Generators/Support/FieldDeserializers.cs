namespace __NS__.Serialization
{
    /// <summary>
    /// The field deserializers of a generated model. Kiota's JSON reader asks this dictionary about every field of
    /// the object; a field the model does not declare is kept as its exact JSON value (UntypedNode) in
    /// AdditionalData, rather than Kiota's best-guess conversion (which turns ISO strings into DateTime and
    /// GUID-like strings into Guid, and so changes the text written back).
    /// </summary>
    internal sealed class FieldDeserializers : global::System.Collections.Generic.Dictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>,
        global::System.Collections.Generic.IDictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>
    {
        private readonly global::System.Func<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> _fallback;

        /// <summary>Unknown fields go to the holder's AdditionalData.</summary>
        public FieldDeserializers(global::Microsoft.Kiota.Abstractions.Serialization.IAdditionalDataHolder holder)
            : base(global::System.StringComparer.Ordinal)
        {
            _fallback = key => node => WireRead.Keep(holder, key, node);
        }

        /// <summary>Unknown fields go to <paramref name="fallback"/>.</summary>
        public FieldDeserializers(global::System.Func<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> fallback)
            : base(global::System.StringComparer.Ordinal)
        {
            _fallback = fallback;
        }

        bool global::System.Collections.Generic.IDictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>.ContainsKey(string key) => true;

        bool global::System.Collections.Generic.IDictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>.TryGetValue(string key, out global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode> value)
        {
            if (!TryGetValue(key, out var known))
            {
                known = _fallback(key);
            }

            value = known;
            return true;
        }

        global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode> global::System.Collections.Generic.IDictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>.this[string key]
        {
            get => TryGetValue(key, out var known) ? known : _fallback(key);
            set => this[key] = value;
        }
    }

    /// <summary>
    /// The declared fields of a generated model type, built once per type: wire names and a binder that returns the
    /// reader of one field bound to a model instance. <see cref="ModelFieldDeserializers{T}"/> wraps it per object,
    /// so that reading an object costs one small wrapper (plus one delegate per field present on the wire) instead of
    /// a dictionary and a closure per declared field.
    /// </summary>
    internal sealed class FieldTable<T>
        where T : class, global::Microsoft.Kiota.Abstractions.Serialization.IAdditionalDataHolder
    {
        private readonly global::System.Collections.Generic.Dictionary<string, int> _indices;
        private readonly global::System.Func<T, int, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> _bind;

        /// <summary>Fields <paramref name="names"/>; <paramref name="bind"/> returns the reader of field i for an instance.</summary>
        public FieldTable(string[] names, global::System.Func<T, int, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> bind)
        {
            _bind = bind;
            _indices = new global::System.Collections.Generic.Dictionary<string, int>(names.Length, global::System.StringComparer.Ordinal);
            for (var i = 0; i < names.Length; i++)
            {
                _indices.Add(names[i], i);
            }

            Names = global::System.Array.AsReadOnly(names);
        }

        /// <summary>The wire names, in declaration order.</summary>
        public global::System.Collections.ObjectModel.ReadOnlyCollection<string> Names { get; }

        /// <summary>The index of a declared field.</summary>
        public bool TryFind(string name, out int index) => _indices.TryGetValue(name, out index);

        /// <summary>The reader of field <paramref name="index"/> bound to <paramref name="target"/>.</summary>
        public global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode> Bind(T target, int index) => _bind(target, index);
    }

    /// <summary>
    /// The field deserializers of one generated model instance, over the type's static <see cref="FieldTable{T}"/>.
    /// Behaves as <see cref="FieldDeserializers"/> does: lookups of any name succeed (a field the model does not declare
    /// is kept as its exact JSON value in AdditionalData), while Keys, Count and enumeration list the declared fields.
    /// Changes (Add, set, Remove, Clear, from an override of GetFieldDeserializers) switch it to a private dictionary.
    /// </summary>
    internal sealed class ModelFieldDeserializers<T> : global::System.Collections.Generic.IDictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>
        where T : class, global::Microsoft.Kiota.Abstractions.Serialization.IAdditionalDataHolder
    {
        private readonly T _target;
        private readonly FieldTable<T> _table;
        private global::System.Collections.Generic.Dictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>? _changed;

        /// <summary>The deserializers of <paramref name="target"/>.</summary>
        public ModelFieldDeserializers(T target, FieldTable<T> table)
        {
            _target = target;
            _table = table;
        }

        /// <inheritdoc/>
        public global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode> this[string key]
        {
            get
            {
                TryGetValue(key, out var value);
                return value;
            }

            set => Changed()[key] = value;
        }

        /// <inheritdoc/>
        public global::System.Collections.Generic.ICollection<string> Keys => _changed != null ? _changed.Keys : _table.Names;

        /// <inheritdoc/>
        public global::System.Collections.Generic.ICollection<global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> Values
        {
            get
            {
                if (_changed != null)
                {
                    return _changed.Values;
                }

                var values = new global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>[_table.Names.Count];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = _table.Bind(_target, i);
                }

                return values;
            }
        }

        /// <inheritdoc/>
        public int Count => _changed != null ? _changed.Count : _table.Names.Count;

        /// <inheritdoc/>
        public bool IsReadOnly => false;

        /// <summary>Always true: a field the model does not declare is kept in AdditionalData.</summary>
        public bool ContainsKey(string key) => true;

        /// <summary>The reader of <paramref name="key"/>; always true (undeclared fields go to AdditionalData).</summary>
        public bool TryGetValue(string key, out global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode> value)
        {
            if (_changed != null)
            {
                if (!_changed.TryGetValue(key, out var known))
                {
                    known = Fallback(key);
                }

                value = known;
            }
            else
            {
                value = _table.TryFind(key, out var index) ? _table.Bind(_target, index) : Fallback(key);
            }

            return true;
        }

        /// <inheritdoc/>
        public void Add(string key, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode> value) => Changed().Add(key, value);

        /// <inheritdoc/>
        public void Add(global::System.Collections.Generic.KeyValuePair<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> item) => Changed().Add(item.Key, item.Value);

        /// <inheritdoc/>
        public bool Remove(string key) => Changed().Remove(key);

        /// <inheritdoc/>
        public bool Remove(global::System.Collections.Generic.KeyValuePair<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> item) =>
            ((global::System.Collections.Generic.ICollection<global::System.Collections.Generic.KeyValuePair<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>>)Changed()).Remove(item);

        /// <inheritdoc/>
        public void Clear() => Changed().Clear();

        /// <inheritdoc/>
        public bool Contains(global::System.Collections.Generic.KeyValuePair<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> item) =>
            ((global::System.Collections.Generic.ICollection<global::System.Collections.Generic.KeyValuePair<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>>)Snapshot()).Contains(item);

        /// <inheritdoc/>
        public void CopyTo(global::System.Collections.Generic.KeyValuePair<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>[] array, int arrayIndex) =>
            ((global::System.Collections.Generic.ICollection<global::System.Collections.Generic.KeyValuePair<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>>)Snapshot()).CopyTo(array, arrayIndex);

        /// <inheritdoc/>
        public global::System.Collections.Generic.IEnumerator<global::System.Collections.Generic.KeyValuePair<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>> GetEnumerator() =>
            Snapshot().GetEnumerator();

        global::System.Collections.IEnumerator global::System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        private global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode> Fallback(string key)
        {
            var holder = _target;
            return node => WireRead.Keep(holder, key, node);
        }

        // The declared readers as a dictionary (a copy while unchanged).
        private global::System.Collections.Generic.Dictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> Snapshot()
        {
            if (_changed != null)
            {
                return _changed;
            }

            var all = new global::System.Collections.Generic.Dictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>(_table.Names.Count, global::System.StringComparer.Ordinal);
            for (var i = 0; i < _table.Names.Count; i++)
            {
                all.Add(_table.Names[i], _table.Bind(_target, i));
            }

            return all;
        }

        private global::System.Collections.Generic.Dictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> Changed() => _changed ??= Snapshot();
    }

    /// <summary>A JSON object read as a map of models (OpenAPI additionalProperties with a message value).</summary>
    internal sealed class WireMap<T> : global::Microsoft.Kiota.Abstractions.Serialization.IParsable
        where T : global::Microsoft.Kiota.Abstractions.Serialization.IParsable
    {
        private readonly global::Microsoft.Kiota.Abstractions.Serialization.ParsableFactory<T> _factory;

        public WireMap(global::Microsoft.Kiota.Abstractions.Serialization.ParsableFactory<T> factory) => _factory = factory;

        public global::System.Collections.Generic.Dictionary<string, T> Values { get; } = new global::System.Collections.Generic.Dictionary<string, T>();

        public global::System.Collections.Generic.IDictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> GetFieldDeserializers() =>
            new FieldDeserializers(key => node => Values[key] = node.GetObjectValue(_factory));

        public void Serialize(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer)
        {
            foreach (var entry in Values)
            {
                writer.WriteObjectValue(entry.Key, entry.Value);
            }
        }
    }

    /// <summary>
    /// Reads a whole answer as an UntypedNode through <see cref="WireRead.Raw"/> (lossless numbers), for operations
    /// whose success body is free-form JSON: <c>SendAsync&lt;WireValue&gt;(…, WireValue.CreateFromDiscriminatorValue, …)</c>.
    /// </summary>
    internal sealed class WireValue : global::Microsoft.Kiota.Abstractions.Serialization.IParsable
    {
        private WireValue(global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode value) => Value = value;

        public global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode Value { get; }

        public static WireValue CreateFromDiscriminatorValue(global::Microsoft.Kiota.Abstractions.Serialization.IParseNode parseNode) => new WireValue(WireRead.Raw(parseNode));

        public global::System.Collections.Generic.IDictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> GetFieldDeserializers() =>
            new global::System.Collections.Generic.Dictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>();

        public void Serialize(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer) => writer.WriteObjectValue(null, Value);
    }
}
