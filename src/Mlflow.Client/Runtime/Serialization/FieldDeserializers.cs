using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using Microsoft.Kiota.Abstractions.Serialization;

namespace Mlflow.Client.Serialization;

/// <summary>
/// The field deserializers of a generated model. Kiota's JSON reader asks this dictionary about every field of
/// the object; a field the model does not declare is kept as its exact JSON value (UntypedNode) in
/// AdditionalData, rather than Kiota's best-guess conversion (which turns ISO strings into DateTime and
/// GUID-like strings into Guid, and so changes the text written back).
/// </summary>
internal sealed class FieldDeserializers : Dictionary<string, Action<IParseNode>>,
    IDictionary<string, Action<IParseNode>>
{
    private readonly Func<string, Action<IParseNode>> _fallback;

    /// <summary>Unknown fields go to the holder's AdditionalData.</summary>
    public FieldDeserializers(IAdditionalDataHolder holder)
        : base(StringComparer.Ordinal)
    {
        _fallback = key => node => WireRead.Keep(holder, key, node);
    }

    /// <summary>Unknown fields go to <paramref name="fallback"/>.</summary>
    public FieldDeserializers(Func<string, Action<IParseNode>> fallback)
        : base(StringComparer.Ordinal)
    {
        _fallback = fallback;
    }

    bool IDictionary<string, Action<IParseNode>>.ContainsKey(string key) => true;

    bool IDictionary<string, Action<IParseNode>>.TryGetValue(string key, out Action<IParseNode> value)
    {
        if (!TryGetValue(key, out var known))
        {
            known = _fallback(key);
        }

        value = known;
        return true;
    }

    Action<IParseNode> IDictionary<string, Action<IParseNode>>.this[string key]
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
    where T : class, IAdditionalDataHolder
{
    private readonly Dictionary<string, int> _indices;
    private readonly Func<T, int, Action<IParseNode>> _bind;

    /// <summary>Fields <paramref name="names"/>; <paramref name="bind"/> returns the reader of field i for an instance.</summary>
    public FieldTable(string[] names, Func<T, int, Action<IParseNode>> bind)
    {
        _bind = bind;
        _indices = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            _indices.Add(names[i], i);
        }

        Names = Array.AsReadOnly(names);
    }

    /// <summary>The wire names, in declaration order.</summary>
    public ReadOnlyCollection<string> Names { get; }

    /// <summary>The index of a declared field.</summary>
    public bool TryFind(string name, out int index) => _indices.TryGetValue(name, out index);

    /// <summary>The reader of field <paramref name="index"/> bound to <paramref name="target"/>.</summary>
    public Action<IParseNode> Bind(T target, int index) => _bind(target, index);
}

/// <summary>
/// The field deserializers of one generated model instance, over the type's static <see cref="FieldTable{T}"/>.
/// Behaves as <see cref="FieldDeserializers"/> does: lookups of any name succeed (a field the model does not declare
/// is kept as its exact JSON value in AdditionalData), while Keys, Count and enumeration list the declared fields.
/// Changes (Add, set, Remove, Clear, from an override of GetFieldDeserializers) switch it to a private dictionary.
/// </summary>
internal sealed class ModelFieldDeserializers<T> : IDictionary<string, Action<IParseNode>>
    where T : class, IAdditionalDataHolder
{
    private readonly T _target;
    private readonly FieldTable<T> _table;
    private Dictionary<string, Action<IParseNode>>? _changed;

    /// <summary>The deserializers of <paramref name="target"/>.</summary>
    public ModelFieldDeserializers(T target, FieldTable<T> table)
    {
        _target = target;
        _table = table;
    }

    /// <inheritdoc/>
    public Action<IParseNode> this[string key]
    {
        get
        {
            TryGetValue(key, out var value);
            return value;
        }

        set => Changed()[key] = value;
    }

    /// <inheritdoc/>
    public ICollection<string> Keys => _changed != null ? _changed.Keys : _table.Names;

    /// <inheritdoc/>
    public ICollection<Action<IParseNode>> Values
    {
        get
        {
            if (_changed != null)
            {
                return _changed.Values;
            }

            var values = new Action<IParseNode>[_table.Names.Count];
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
    public bool TryGetValue(string key, out Action<IParseNode> value)
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
    public void Add(string key, Action<IParseNode> value) => Changed().Add(key, value);

    /// <inheritdoc/>
    public void Add(KeyValuePair<string, Action<IParseNode>> item) => Changed().Add(item.Key, item.Value);

    /// <inheritdoc/>
    public bool Remove(string key) => Changed().Remove(key);

    /// <inheritdoc/>
    public bool Remove(KeyValuePair<string, Action<IParseNode>> item) =>
        ((ICollection<KeyValuePair<string, Action<IParseNode>>>)Changed()).Remove(item);

    /// <inheritdoc/>
    public void Clear() => Changed().Clear();

    /// <inheritdoc/>
    public bool Contains(KeyValuePair<string, Action<IParseNode>> item) =>
        ((ICollection<KeyValuePair<string, Action<IParseNode>>>)Snapshot()).Contains(item);

    /// <inheritdoc/>
    public void CopyTo(KeyValuePair<string, Action<IParseNode>>[] array, int arrayIndex) =>
        ((ICollection<KeyValuePair<string, Action<IParseNode>>>)Snapshot()).CopyTo(array, arrayIndex);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Action<IParseNode>>> GetEnumerator() =>
        Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private Action<IParseNode> Fallback(string key)
    {
        var holder = _target;
        return node => WireRead.Keep(holder, key, node);
    }

    // The declared readers as a dictionary (a copy while unchanged).
    private Dictionary<string, Action<IParseNode>> Snapshot()
    {
        if (_changed != null)
        {
            return _changed;
        }

        var all = new Dictionary<string, Action<IParseNode>>(_table.Names.Count, StringComparer.Ordinal);
        for (var i = 0; i < _table.Names.Count; i++)
        {
            all.Add(_table.Names[i], _table.Bind(_target, i));
        }

        return all;
    }

    private Dictionary<string, Action<IParseNode>> Changed() => _changed ??= Snapshot();
}

/// <summary>A JSON object read as a map of models (OpenAPI additionalProperties with a message value).</summary>
internal sealed class WireMap<T> : IParsable
    where T : IParsable
{
    private readonly ParsableFactory<T> _factory;

    public WireMap(ParsableFactory<T> factory) => _factory = factory;

    public Dictionary<string, T> Values { get; } = new Dictionary<string, T>();

    public IDictionary<string, Action<IParseNode>> GetFieldDeserializers() =>
        new FieldDeserializers(key => node => Values[key] = node.GetObjectValue(_factory));

    public void Serialize(ISerializationWriter writer)
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
internal sealed class WireValue : IParsable
{
    private WireValue(UntypedNode value) => Value = value;

    public UntypedNode Value { get; }

    public static WireValue CreateFromDiscriminatorValue(IParseNode parseNode) => new WireValue(WireRead.Raw(parseNode));

    public IDictionary<string, Action<IParseNode>> GetFieldDeserializers() =>
        new Dictionary<string, Action<IParseNode>>();

    public void Serialize(ISerializationWriter writer) => writer.WriteObjectValue(null, Value);
}
