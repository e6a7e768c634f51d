"""Browse: the filtered releases as a table, with CSV and iCalendar exports."""

import streamlit as st

st.title("Browse", anchor=False)
st.info("The sortable table and its exports are coming next.", icon=":material/construction:")
