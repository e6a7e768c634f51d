"""Planner: the filtered slate per service and week, season timelines and clashes."""

import streamlit as st

st.title("Planner", anchor=False)
st.info("Charts of the slate are coming next.", icon=":material/construction:")
