"""UI-free core of the display: state, announcement queue, sizes and colours."""
