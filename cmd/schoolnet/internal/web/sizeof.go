package web

import (
	"reflect"
	"sync"
)

// deepSize returns the bytes v holds: v itself (through a pointer) and
// everything it reaches by pointers, slices, strings, maps and
// interfaces, each block counted once. It reads unexported fields too,
// so that it measures a sim.Engine as the garbage collector sees it. A
// slice counts its capacity. Functions and channels count as a word.
func deepSize(v any) int64 {
	s := sizer{seen: map[uintptr]bool{}}
	return s.of(reflect.ValueOf(v))
}

type sizer struct {
	seen map[uintptr]bool
}

// of returns the bytes a value reaches beyond itself; for a pointer (the
// argument of deepSize) that includes what it points to.
func (s *sizer) of(v reflect.Value) int64 {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || s.seen[v.Pointer()] {
			return 0
		}
		s.seen[v.Pointer()] = true
		e := v.Elem()
		return int64(e.Type().Size()) + s.inside(e)
	case reflect.Interface:
		if v.IsNil() {
			return 0
		}
		e := v.Elem()
		if e.Kind() == reflect.Pointer {
			return s.of(e)
		}
		return int64(e.Type().Size()) + s.inside(e)
	case reflect.Slice:
		if v.IsNil() || v.Cap() == 0 || s.seen[v.Pointer()] {
			return 0
		}
		s.seen[v.Pointer()] = true
		et := v.Type().Elem()
		n := int64(v.Cap()) * int64(et.Size())
		if !pointerFree(et) {
			for i := range v.Len() {
				n += s.inside(v.Index(i))
			}
		}
		return n
	case reflect.String:
		return int64(v.Len())
	case reflect.Map:
		if v.IsNil() || s.seen[v.Pointer()] {
			return 0
		}
		s.seen[v.Pointer()] = true
		kt, et := v.Type().Key(), v.Type().Elem()
		// Go's maps hold about a byte of control word per slot and
		// keep their load under 7/8.
		n := int64(v.Len()) * (int64(kt.Size()+et.Size()) + 1) * 8 / 7
		it := v.MapRange()
		for it.Next() {
			n += s.inside(it.Key()) + s.inside(it.Value())
		}
		return n
	}
	return s.inside(v)
}

// inside returns the bytes a value reaches beyond its own size.
func (s *sizer) inside(v reflect.Value) int64 {
	if pointerFree(v.Type()) {
		return 0
	}
	switch v.Kind() {
	case reflect.Struct:
		var n int64
		for i := range v.NumField() {
			n += s.inside(v.Field(i))
		}
		return n
	case reflect.Array:
		var n int64
		for i := range v.Len() {
			n += s.inside(v.Index(i))
		}
		return n
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.String, reflect.Map:
		return s.of(v)
	}
	return 0 // functions, channels, unsafe pointers: their word only
}

var pointerFreeTypes sync.Map // reflect.Type → bool

// pointerFree reports whether a type holds no pointers, so that a slice of
// it is measured by its capacity alone.
func pointerFree(t reflect.Type) bool {
	if b, ok := pointerFreeTypes.Load(t); ok {
		return b.(bool)
	}
	var free bool
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		free = true
	case reflect.Array:
		free = t.Len() == 0 || pointerFree(t.Elem())
	case reflect.Struct:
		free = true
		for f := range t.Fields() {
			free = free && pointerFree(f.Type)
		}
	}
	pointerFreeTypes.Store(t, free)
	return free
}
